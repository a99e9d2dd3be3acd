import type { Locale } from './locale.ts';

// Pure display helpers: no SvelteKit imports, so e2e/format.test.ts can run them under Jest.

const intlLocale: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** Money is kept as integer kopecks everywhere; only display converts to roubles. */
export function formatRub(kopecks: number, locale: Locale): string {
  const whole = kopecks % 100 === 0;
  return new Intl.NumberFormat(intlLocale[locale], {
    style: 'currency',
    currency: 'RUB',
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(kopecks / 100);
}

/** A compact price for a map pin: "6,5 тыс. ₽" / "₽6.5K". */
export function formatRubShort(kopecks: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale], {
    style: 'currency',
    currency: 'RUB',
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(kopecks / 100);
}

/** A chart axis' round amount, as short as it goes: "60 тыс. ₽" / "₽60k", "0 ₽". */
export function formatRubAxis(kopecks: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale], {
    style: 'currency',
    currency: 'RUB',
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(kopecks / 100);
}

/** Roubles typed by a person ("6 500", "6500,50") to kopecks; undefined when it is not an amount. */
export function parseRoubles(input: string): number | undefined {
  const normalised = input.replace(/[\s\u00a0₽]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(normalised)) return undefined;
  return Math.round(Number(normalised) * 100);
}

/** A calendar date (YYYY-MM-DD) as the reader writes dates; it is a date, not an instant, so no time zone shift. */
export function formatDate(isoDate: string, locale: Locale): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(intlLocale[locale], {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)));
}

export function formatDateTime(iso: string, locale: Locale, timeZone = 'Europe/Moscow'): string {
  return new Intl.DateTimeFormat(intlLocale[locale], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale[locale], {
    timeStyle: 'long',
    timeZone: 'Europe/Moscow',
  }).format(new Date(iso));
}

const unitLabels: Record<Locale, Record<'h' | 'm' | 's', string>> = {
  ru: { h: 'ч', m: 'мин', s: 'с' },
  en: { h: 'h', m: 'min', s: 's' },
};

/** Time left until a deadline, e.g. "23 ч 59 мин 05 с"; undefined once it has passed. */
export function formatTimeLeft(deadline: string, now: number, locale: Locale): string | undefined {
  const ms = Date.parse(deadline) - now;
  if (!(ms > 0)) return undefined;
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const u = unitLabels[locale];
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0
    ? `${hours} ${u.h} ${pad(minutes)} ${u.m} ${pad(seconds)} ${u.s}`
    : `${minutes} ${u.m} ${pad(seconds)} ${u.s}`;
}

/** Picks the plural form for a count: Russian has one/few/many, English one/other. */
export function plural(count: number, locale: Locale, forms: Partial<Record<Intl.LDMLPluralRule, string>>): string {
  const rule = new Intl.PluralRules(intlLocale[locale]).select(count);
  const form = forms[rule] ?? forms.other ?? forms.many ?? '';
  return `${count} ${form}`;
}

export function nightsLabel(count: number, locale: Locale): string {
  return locale === 'ru'
    ? plural(count, locale, { one: 'ночь', few: 'ночи', many: 'ночей', other: 'ночи' })
    : plural(count, locale, { one: 'night', other: 'nights' });
}

export function guestsLabel(count: number, locale: Locale): string {
  return locale === 'ru'
    ? plural(count, locale, { one: 'гость', few: 'гостя', many: 'гостей', other: 'гостя' })
    : plural(count, locale, { one: 'guest', other: 'guests' });
}

/** Nights between two calendar dates (check-out minus check-in). */
export function nightsBetween(checkIn: string, checkOut: string): number {
  return Math.round((Date.parse(`${checkOut}T00:00:00Z`) - Date.parse(`${checkIn}T00:00:00Z`)) / 86_400_000);
}

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The dates of each night of a stay, check-in included, check-out excluded. */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  return Array.from({ length: Math.max(0, nightsBetween(checkIn, checkOut)) }, (_, i) => addDays(checkIn, i));
}

/**
 * The price of a stay computed for display before a booking exists: weekend nights (Friday and Saturday)
 * at the weekend price when there is one, plus the cleaning fee. The booking's own quote is what is charged.
 */
export function estimateStay(
  listing: { nightlyPrice: number; weekendPrice: number | null; cleaningFee: number },
  checkIn: string,
  checkOut: string,
): { nights: { date: string; amount: number }[]; cleaningFee: number; total: number } {
  const nights = nightsOf(checkIn, checkOut).map((date) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 5 || weekday === 6;
    return { date, amount: weekend && listing.weekendPrice ? listing.weekendPrice : listing.nightlyPrice };
  });
  const total = nights.reduce((sum, night) => sum + night.amount, 0) + listing.cleaningFee;
  return { nights, cleaningFee: listing.cleaningFee, total };
}

/** The refund rules the booking workflow names (workflows/bookings/cancellation-policy.ts), in Russian. */
const REFUND_RULES_RU: Record<string, string> = {
  'cancelled by the host: full refund': 'отменил хозяин: полный возврат',
  'cancelled by the admin: full refund': 'отменил администратор: полный возврат',
  'flexible: cancelled 24 hours or more before check-in': 'гибкие условия: отмена за 24 часа и более до заезда',
  'flexible: the next night is kept, later nights are refunded':
    'гибкие условия: ближайшая ночь не возвращается, остальные возвращаются',
  'moderate: cancelled 5 days or more before check-in': 'умеренные условия: отмена за 5 дней и более до заезда',
  'moderate: 50% of unspent nights after the first': 'умеренные условия: 50% за неиспользованные ночи после первой',
  'firm: cancelled within 48 hours of booking, 14+ days before check-in':
    'строгие условия: отмена в течение 48 часов после бронирования, до заезда 14+ дней',
  'firm: cancelled 30 days or more before check-in': 'строгие условия: отмена за 30 дней и более до заезда',
  'firm: 50% from 30 to 7 days before': 'строгие условия: 50% при отмене за 30–7 дней',
  'firm: no refund of nights within 7 days of check-in': 'строгие условия: ночи не возвращаются менее чем за 7 дней',
  'strict: cancelled within 48 hours of booking, 14+ days before check-in':
    'очень строгие условия: отмена в течение 48 часов после бронирования, до заезда 14+ дней',
  'strict: 50% until 7 days before': 'очень строгие условия: 50% до 7 дней до заезда',
  'strict: no refund of nights within 7 days of check-in':
    'очень строгие условия: ночи не возвращаются менее чем за 7 дней',
};

export function refundRuleText(rule: string, locale: Locale): string {
  return locale === 'ru' ? (REFUND_RULES_RU[rule] ?? rule) : rule;
}

/** Kopecks as a person types roubles in a form: "3500", "3500.50". */
export function formatRoubles(kopecks: number): string {
  return kopecks % 100 === 0 ? String(kopecks / 100) : (kopecks / 100).toFixed(2);
}

/** Languages people may say they speak on their profile (ISO 639-1), in the order the form offers them. */
export const PROFILE_LANGUAGES = ['ru', 'en', 'de', 'fr', 'es', 'it', 'zh', 'tr', 'uk', 'kk', 'hy', 'ka', 'uz', 'ar'] as const;

/** ISO 639-1 codes as names in the reader's language: ["ru", "en"] → "русский, английский". */
export function languageNames(codes: readonly string[], locale: Locale): string {
  const names = new Intl.DisplayNames([intlLocale[locale]], { type: 'language' });
  return codes.map((code) => names.of(code) ?? code).join(', ');
}

/** A calendar month (any YYYY-MM-DD in it) as a heading: "ноябрь 2026 г." / "November 2026". */
export function formatMonth(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${isoDate.slice(0, 7)}-01T00:00:00Z`),
  );
}

/** Short weekday names from Monday: "пн", "вт", … / "Mon", "Tue", … */
export function weekdayNames(locale: Locale): string[] {
  const format = new Intl.DateTimeFormat(intlLocale[locale], { weekday: 'short', timeZone: 'UTC' });
  // 1 January 2024 was a Monday.
  return Array.from({ length: 7 }, (_, i) => format.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** A share (0–1) as a percentage: "42 %" / "42%". */
export function formatPercent(share: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale], { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function formatCount(count: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale[locale]).format(count);
}
