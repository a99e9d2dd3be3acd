import { isWeekendNight, nightsOf } from '@kvartirnsk/lib/dates';
import { money, percentOf, sum, type Money } from '@kvartirnsk/lib/money';
import type { PriceLine } from '@kvartirnsk/workflows/bookings/contract';

export interface NightlyRates {
  nightly: Money;
  /** Friday and Saturday nights; the weekday price when absent. */
  weekend?: Money;
  cleaningFee: Money;
}

export interface Pricing {
  lines: PriceLine[];
  total: Money;
}

/**
 * Prices a stay: each night at its weekday or weekend rate, the cleaning fee once, and the guest service
 * fee as a share of nights plus cleaning in basis points, rounded half away from zero to the kopeck once.
 */
export function priceStay(
  rates: NightlyRates,
  checkIn: string,
  checkOut: string,
  guestServiceFeeBasisPoints: number,
): Pricing {
  const nights: PriceLine[] = nightsOf(checkIn, checkOut).map((date) => ({
    kind: 'night',
    date,
    amount: isWeekendNight(date) && rates.weekend ? rates.weekend : rates.nightly,
  }));
  const cleaning: PriceLine[] =
    rates.cleaningFee.amount > 0 ? [{ kind: 'cleaning_fee', amount: rates.cleaningFee }] : [];
  const subtotal = sum(
    [...nights, ...cleaning].map((line) => line.amount),
    rates.nightly.currency,
  );
  const serviceFee = percentOf(subtotal, guestServiceFeeBasisPoints);
  const lines: PriceLine[] = [
    ...nights,
    ...cleaning,
    ...(serviceFee.amount > 0 ? [{ kind: 'service_fee' as const, amount: serviceFee }] : []),
  ];
  return { lines, total: money(subtotal.amount + serviceFee.amount, subtotal.currency) };
}
