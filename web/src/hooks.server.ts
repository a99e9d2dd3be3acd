import type { Handle } from '@sveltejs/kit/hooks';
import { LOCALE_COOKIE, resolveLocale } from '#lib/i18n.ts';

export const handle: Handle = async ({ event, resolve }) => {
  const fromQuery = event.url.searchParams.get('lang');
  const locale = resolveLocale(fromQuery, event.cookies.get(LOCALE_COOKIE));

  // An explicit ?lang= choice is remembered for later visits. The cookie holds no secret, and
  // adapter-node reports https unless told otherwise, so `secure` is off to keep plain-http hosts working.
  if (fromQuery === locale) {
    event.cookies.set(LOCALE_COOKIE, locale, {
      path: '/',
      sameSite: 'lax',
      httpOnly: false,
      secure: false,
      maxAge: 60 * 60 * 24 * 365,
    });
  }

  event.locals.locale = locale;
  return resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%kv.lang%', locale),
  });
};
