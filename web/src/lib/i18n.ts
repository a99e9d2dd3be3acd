export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ru';
export const LOCALE_COOKIE = 'lang';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** `?lang=` wins over the cookie; anything unknown falls back to Russian. */
export function resolveLocale(fromQuery: string | null | undefined, fromCookie: string | undefined): Locale {
  if (isLocale(fromQuery)) return fromQuery;
  if (isLocale(fromCookie)) return fromCookie;
  return DEFAULT_LOCALE;
}

const ru = {
  title: 'Квартирнск',
  tagline: 'Посуточная аренда квартир и домов: честные цены, надёжные бронирования.',
  languageLabel: 'Язык',
  statusHeading: 'Состояние системы',
  statusOk: 'Все сервисы работают',
  statusDegraded: 'Часть сервисов недоступна',
  statusGatewayDown: 'Шлюз API недоступен',
  gatewayDownHint:
    'Не удалось получить ответ от шлюза. Страница работает, данные о сервисах появятся, когда он запустится.',
  serviceUp: 'работает',
  serviceDown: 'не отвечает',
  noServices: 'Шлюз не сообщил ни об одном сервисе.',
  checkedAt: 'Проверено',
  linksHeading: 'Ссылки',
  temporalUi: 'Temporal UI — бизнес-процессы',
  apiDocs: 'Документация API',
  priceHeading: 'Пример цены',
  priceCaption: 'за ночь',
  footer: 'Карта и поиск появятся позже.',
} as const;

type Messages = { readonly [K in keyof typeof ru]: string };

const en: Messages = {
  title: 'Kvartirnsk',
  tagline: 'Short-term rentals of flats and houses: fair prices, reliable bookings.',
  languageLabel: 'Language',
  statusHeading: 'System status',
  statusOk: 'All services are up',
  statusDegraded: 'Some services are down',
  statusGatewayDown: 'API gateway is unreachable',
  gatewayDownHint:
    'The gateway did not answer. This page still works; service details appear once it is running.',
  serviceUp: 'up',
  serviceDown: 'down',
  noServices: 'The gateway reported no services.',
  checkedAt: 'Checked at',
  linksHeading: 'Links',
  temporalUi: 'Temporal UI — workflows',
  apiDocs: 'API documentation',
  priceHeading: 'Example price',
  priceCaption: 'per night',
  footer: 'The map and search come later.',
};

const dictionaries: Record<Locale, Messages> = { ru, en };

export type MessageKey = keyof Messages;

export function messages(locale: Locale): Messages {
  return dictionaries[locale];
}

const intlLocale: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** Money is kept as integer kopecks everywhere; only display converts to roubles. */
export function formatRub(kopecks: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale], { style: 'currency', currency: 'RUB' }).format(
    kopecks / 100,
  );
}

export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale[locale], {
    timeStyle: 'long',
    timeZone: 'Europe/Moscow',
  }).format(new Date(iso));
}
