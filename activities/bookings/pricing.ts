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
  /** What the guest pays: nights, cleaning and the guest service fee. */
  total: Money;
  /** The platform's fee on the host's side, and what is left for the host. */
  hostFee: Money;
  hostPayout: Money;
}

export interface FeeRates {
  /** Guest service fee in basis points of nights plus cleaning (1200 = 12 %). */
  guestServiceFeeBasisPoints: number;
  /** Host fee in basis points of nights plus cleaning (300 = 3 %). */
  hostFeeBasisPoints: number;
}

/**
 * Prices a stay: each night at its weekday or weekend rate, the cleaning fee once, and the guest service
 * fee as a share of nights plus cleaning in basis points, rounded half away from zero to the kopeck once.
 * The host fee is the same kind of share of the same subtotal, so guest total − service fee − host fee is
 * exactly the host's payout.
 */
export function priceStay(rates: NightlyRates, checkIn: string, checkOut: string, fees: FeeRates): Pricing {
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
  const serviceFee = percentOf(subtotal, fees.guestServiceFeeBasisPoints);
  const hostFee = percentOf(subtotal, fees.hostFeeBasisPoints);
  const lines: PriceLine[] = [
    ...nights,
    ...cleaning,
    ...(serviceFee.amount > 0 ? [{ kind: 'service_fee' as const, amount: serviceFee }] : []),
  ];
  return {
    lines,
    total: money(subtotal.amount + serviceFee.amount, subtotal.currency),
    hostFee,
    hostPayout: money(subtotal.amount - hostFee.amount, subtotal.currency),
  };
}
