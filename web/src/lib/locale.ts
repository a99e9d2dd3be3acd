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
