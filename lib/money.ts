/** ISO 4217 codes we settle in. Russia first; the type is explicit so a second currency is a data change. */
export const CURRENCIES = ['RUB'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Minor units per major unit; kopecks for roubles. */
const MINOR_UNITS: Record<Currency, number> = { RUB: 100 };

/**
 * An amount of money in integer minor units (kopecks) with its currency. Never a float: every sum,
 * fee and refund stays exact to the kopeck.
 */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export class CurrencyMismatchError extends Error {
  override readonly name = 'CurrencyMismatchError';
}

export function money(amount: number, currency: Currency = 'RUB'): Money {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`Money amount must be an integer of minor units, got ${amount}`);
  return { amount, currency };
}

export function roubles(major: number): Money {
  return money(Math.round(major * MINOR_UNITS.RUB), 'RUB');
}

function sameCurrency(a: Money, b: Money): Currency {
  if (a.currency !== b.currency)
    throw new CurrencyMismatchError(`Cannot combine ${String(a.currency)} with ${String(b.currency)}`);
  return a.currency;
}

export function add(a: Money, b: Money): Money {
  return money(a.amount + b.amount, sameCurrency(a, b));
}

export function subtract(a: Money, b: Money): Money {
  return money(a.amount - b.amount, sameCurrency(a, b));
}

export function sum(items: readonly Money[], currency: Currency = 'RUB'): Money {
  return items.reduce((total, item) => add(total, item), money(0, currency));
}

export function multiply(a: Money, factor: number): Money {
  if (!Number.isInteger(factor)) throw new RangeError(`Use percentOf for fractional factors, got ${factor}`);
  return money(a.amount * factor, a.currency);
}

/**
 * A share of an amount given in basis points (1 bp = 0.01 %), rounded half away from zero to the kopeck.
 * Basis points keep fee rates integers too (12 % = 1200 bp), so the only rounding is this one, documented step.
 */
export function percentOf(a: Money, basisPoints: number): Money {
  if (!Number.isInteger(basisPoints))
    throw new RangeError(`Basis points must be an integer, got ${basisPoints}`);
  const exact = (a.amount * basisPoints) / 10_000;
  return money(Math.sign(exact) * Math.round(Math.abs(exact)), a.currency);
}

/**
 * Splits an amount into parts proportional to integer weights without losing a kopeck: the remainder
 * goes to the parts with the largest fractional shares (largest-remainder method).
 */
export function allocate(a: Money, weights: readonly number[]): Money[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0 || weights.some((w) => w < 0 || !Number.isInteger(w))) {
    throw new RangeError('Weights must be non-negative integers with a positive sum');
  }
  const exact = weights.map((w) => (a.amount * w) / total);
  const floors = exact.map(Math.floor);
  let remainder = a.amount - floors.reduce((s, f) => s + f, 0);
  const byFraction = exact.map((value, index) => ({ index, fraction: value - Math.floor(value) }));
  byFraction.sort((x, y) => y.fraction - x.fraction || x.index - y.index);
  for (const { index } of byFraction) {
    if (remainder === 0) break;
    floors[index]! += 1;
    remainder -= 1;
  }
  return floors.map((amount) => money(amount, a.currency));
}

export function isZero(a: Money): boolean {
  return a.amount === 0;
}

export function format(a: Money, locale: 'ru' | 'en' = 'ru'): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'currency',
    currency: a.currency,
  }).format(a.amount / MINOR_UNITS[a.currency]);
}
