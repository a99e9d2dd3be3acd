import type { Locale, OneTimeTokenPurpose } from './schema';

// The mail the users service sends: RU and EN, plain text, each carrying a one-time link into the web app.

export interface RenderedMail {
  subject: string;
  text: string;
}

/** The web app's page that takes each kind of token (web/src/routes). */
const PAGE: Record<OneTimeTokenPurpose, string> = {
  'email-verification': '/verify-email',
  'password-reset': '/reset-password',
};

const TEXTS: Record<OneTimeTokenPurpose, Record<Locale, (link: string) => RenderedMail>> = {
  'email-verification': {
    ru: (link) => ({
      subject: 'Подтвердите адрес почты — Квартирнск',
      text:
        `Здравствуйте!\n\nЧтобы подтвердить адрес почты, откройте ссылку:\n${link}\n\n` +
        'Ссылка действует 48 часов. Если вы не регистрировались в Квартирнске, просто удалите это письмо.\n',
    }),
    en: (link) => ({
      subject: 'Confirm your email address — Kvartirnsk',
      text:
        `Hello,\n\nTo confirm your email address, open this link:\n${link}\n\n` +
        'It works for 48 hours. If you did not sign up for Kvartirnsk, just delete this message.\n',
    }),
  },
  'password-reset': {
    ru: (link) => ({
      subject: 'Новый пароль — Квартирнск',
      text:
        `Здравствуйте!\n\nЧтобы задать новый пароль, откройте ссылку:\n${link}\n\n` +
        'Ссылка действует час. Если вы не просили сменить пароль, ничего делать не нужно: он останется прежним.\n',
    }),
    en: (link) => ({
      subject: 'Set a new password — Kvartirnsk',
      text:
        `Hello,\n\nTo set a new password, open this link:\n${link}\n\n` +
        'It works for an hour. If you did not ask to change your password, do nothing: it stays as it is.\n',
    }),
  },
};

export function renderAccountMail(
  purpose: OneTimeTokenPurpose,
  token: string,
  locale: Locale,
  webBaseUrl: string,
): RenderedMail {
  const link = new URL(PAGE[purpose], webBaseUrl);
  link.searchParams.set('token', token);
  return TEXTS[purpose][locale](link.toString());
}
