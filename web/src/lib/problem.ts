import type { Locale } from './locale.ts';

// Turns the API's RFC 9457 problem documents into sentences a person can act on, in their language.
// Known problem types get our own words; anything else falls back to the API's `detail`.

export interface FieldProblem {
  field: string;
  detail: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}

/** What a form or page shows: one message and, per field, what is wrong with it. */
export interface ShownProblem {
  message: string;
  fields: Record<string, string>;
}

const PROBLEM_BASE = 'https://kvartirnsk.ru/problems/';

const byType: Record<string, Record<Locale, string>> = {
  'invalid-credentials': {
    ru: 'Неверная почта или пароль.',
    en: 'Wrong email or password.',
  },
  'email-taken': {
    ru: 'Аккаунт с этой почтой уже есть. Войдите или используйте другую почту.',
    en: 'An account with this email already exists. Sign in or use another email.',
  },
  'account-blocked': {
    ru: 'Аккаунт заблокирован. Напишите в поддержку.',
    en: 'This account is blocked. Please contact support.',
  },
  'too-many-sign-in-attempts': {
    ru: 'Слишком много попыток входа. Подождите немного и попробуйте снова.',
    en: 'Too many sign-in attempts. Wait a little and try again.',
  },
  'rate-limited': {
    ru: 'Слишком много запросов. Подождите немного.',
    en: 'Too many requests. Please wait a moment.',
  },
  unauthenticated: { ru: 'Войдите, чтобы продолжить.', en: 'Please sign in to continue.' },
  'invalid-refresh-token': { ru: 'Сеанс истёк. Войдите снова.', en: 'Your session has ended. Sign in again.' },
  forbidden: { ru: 'У вас нет прав на это действие.', en: 'You are not allowed to do this.' },
  'not-found': { ru: 'Не нашли то, что вы искали.', en: 'We could not find what you were looking for.' },
  'dates-unavailable': {
    ru: 'Эти даты уже заняты. Выберите другие.',
    en: 'These dates are already booked. Please choose others.',
  },
  'wrong-status': {
    ru: 'Это действие уже невозможно: бронирование изменилось.',
    en: 'This is no longer possible: the booking has changed.',
  },
  'booking-id-taken': {
    ru: 'Эта форма уже использована. Обновите страницу и попробуйте снова.',
    en: 'This form was already used. Reload the page and try again.',
  },
  'service-unavailable': {
    ru: 'Сервис временно недоступен. Попробуйте через минуту.',
    en: 'The service is temporarily unavailable. Try again in a minute.',
  },
  'cannot-block-self': { ru: 'Нельзя заблокировать самого себя.', en: 'You cannot block yourself.' },
  'exceeds-refundable': {
    ru: 'Сумма больше, чем можно вернуть по этому бронированию.',
    en: 'The amount is more than can still be refunded for this booking.',
  },
  'nothing-captured': {
    ru: 'По этому бронированию ещё ничего не списано — возвращать нечего.',
    en: 'Nothing has been charged for this booking, so there is nothing to refund.',
  },
  'body-too-large': { ru: 'Файл слишком большой.', en: 'The file is too large.' },
  'not-awaiting-review': {
    ru: 'Это объявление уже не ждёт проверки: решение принято или пришла новая версия.',
    en: 'This listing is no longer awaiting review: it was decided or a newer version arrived.',
  },
  'concurrent-change': {
    ru: 'Объявление изменили одновременно с вами. Обновите страницу и повторите.',
    en: 'The listing was changed at the same time. Reload the page and try again.',
  },
  'too-many-photos': { ru: 'Фотографий уже слишком много (не больше 30).', en: 'There are too many photos already (30 at most).' },
  'saved-limit': {
    ru: 'В избранном уже 500 объявлений. Уберите какие-нибудь, чтобы сохранить новое.',
    en: 'You have saved 500 listings already. Remove some to save another.',
  },
  'not-published': { ru: 'Объявление и так не опубликовано.', en: 'The listing is not published.' },
  'no-review-window': {
    ru: 'Отзыв можно оставить только после завершённой поездки.',
    en: 'A review can only be written after a completed stay.',
  },
  'review-window-closed': { ru: 'Окно отзывов закрыто.', en: 'The review window is closed.' },
  'already-reviewed': { ru: 'Вы уже оставили отзыв об этой поездке.', en: 'You have already reviewed this stay.' },
  'already-replied': { ru: 'Вы уже ответили на этот отзыв.', en: 'You have already replied to this review.' },
  internal: {
    ru: 'Внутренняя ошибка сервиса. Мы уже разбираемся.',
    en: 'An internal error occurred. We are looking into it.',
  },
};

const byStatus: Record<number, Record<Locale, string>> = {
  400: { ru: 'Проверьте введённые данные.', en: 'Please check what you entered.' },
  401: byType.unauthenticated!,
  403: byType.forbidden!,
  404: byType['not-found']!,
  409: { ru: 'Не получилось: данные изменились.', en: 'That did not work: the data has changed.' },
  429: byType['rate-limited']!,
  503: byType['service-unavailable']!,
};

const fallback: Record<Locale, string> = {
  ru: 'Не получилось. Попробуйте ещё раз.',
  en: 'That did not work. Please try again.',
};

/** Field-level messages the API writes in English (zod and our own), in the reader's language. */
const fieldDetails: [RegExp, Record<Locale, string>][] = [
  [/no such listing is open for booking/i, { ru: 'это жильё сейчас нельзя забронировать', en: 'this place cannot be booked now' }],
  [/hosts cannot book their own listing/i, { ru: 'нельзя бронировать своё жильё', en: 'hosts cannot book their own place' }],
  [/takes at most (\d+) guests/i, { ru: 'слишком много гостей для этого жилья', en: 'too many guests for this place' }],
  [/stays at this listing are/i, { ru: 'такая длительность проживания здесь недоступна', en: 'this length of stay is not offered here' }],
  [/is not an image|could not be decoded|upload a JPEG/i, { ru: 'это не фотография в формате JPEG, PNG или WebP', en: 'not a JPEG, PNG or WebP photo' }],
  [/each side needs at least/i, { ru: 'слишком маленькая фотография: каждая сторона не меньше 320 точек', en: 'too small: each side needs at least 320 pixels' }],
  [/is larger than \d+ bytes/i, { ru: 'файл слишком большой', en: 'the file is too large' }],
  [/IANA time zone/i, { ru: 'выберите город из подсказок', en: 'pick the city from the suggestions' }],
  [/must not be less than minNights/i, { ru: 'не может быть меньше минимума ночей', en: 'must not be less than the minimum nights' }],
  [/must be after from/i, { ru: 'должна быть позже начала', en: 'must be after the start' }],
  [/at least 10 characters|too small.*>=10/i, { ru: 'не короче 10 символов', en: 'at least 10 characters' }],
  [/invalid email|email/i, { ru: 'неверный адрес почты', en: 'not a valid email address' }],
  [/must be after checkIn/i, { ru: 'должен быть позже заезда', en: 'must be after check-in' }],
  [/must not be in the past/i, { ru: 'не может быть в прошлом', en: 'must not be in the past' }],
  [/Too small|>=1/i, { ru: 'слишком маленькое значение', en: 'too small' }],
  [/Too big/i, { ru: 'слишком большое значение', en: 'too large' }],
  [/expected|Invalid input|required/i, { ru: 'обязательное поле', en: 'required' }],
];

export function localiseFieldDetail(detail: string, locale: Locale): string {
  if (locale === 'en') return detail;
  for (const [pattern, text] of fieldDetails) if (pattern.test(detail)) return text[locale];
  return detail;
}

export function describeProblem(problem: Problem, locale: Locale): ShownProblem {
  const slug = problem.type?.startsWith(PROBLEM_BASE) ? problem.type.slice(PROBLEM_BASE.length) : undefined;
  const known = slug ? byType[slug] : undefined;
  const fields: Record<string, string> = {};
  for (const error of problem.errors ?? []) {
    const field = error.field.split('.')[0] || '(body)';
    fields[field] = localiseFieldDetail(error.detail, locale);
  }
  let message: string;
  if (known) message = known[locale];
  else if (slug === 'validation' || problem.errors?.length) {
    // Field errors are shown by their fields too; the summary names them, so none goes unseen.
    const details = Object.values(fields);
    message = byStatus[400]![locale] + (details.length ? ` ${capitalise(details.join('; '))}.` : '');
  }
  else if (locale === 'en' && problem.detail) message = problem.detail;
  else message = (byStatus[problem.status] ?? fallback)[locale];
  return { message, fields };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Reads a problem document from any object shaped like one, or makes one from a bare status. */
export function asProblem(body: unknown, status: number): Problem {
  if (typeof body === 'object' && body !== null) {
    const candidate = body as Partial<Problem>;
    return {
      type: typeof candidate.type === 'string' ? candidate.type : undefined,
      title: typeof candidate.title === 'string' ? candidate.title : undefined,
      status: typeof candidate.status === 'number' ? candidate.status : status,
      detail: typeof candidate.detail === 'string' ? candidate.detail : undefined,
      errors: Array.isArray(candidate.errors)
        ? candidate.errors.filter(
            (e): e is FieldProblem =>
              typeof e === 'object' && e !== null && typeof e.field === 'string' && typeof e.detail === 'string',
          )
        : undefined,
    };
  }
  return { status };
}
