import { type Money, money, percentOf } from '@kvartirnsk/lib/money';
import type { FeeRates } from '@kvartirnsk/activities/bookings/pricing';

export interface BookingFees {
  /** The guest service fee inside the total. */
  serviceFee: Money;
  /** The platform's fee taken from the host's share. */
  hostFee: Money;
}

/**
 * The platform's fees inside a guest total priced by activities/bookings/pricing.ts: total = subtotal +
 * percentOf(subtotal, guest rate), a strictly increasing function of the subtotal, so the subtotal behind a
 * total is unique and lies next to total ÷ (1 + rate). Valid while the rates are the ones the booking was
 * priced with (a total priced otherwise gets the nearest estimate), which is why booking.confirmed should
 * carry its fees (see contracts.ts).
 */
export function deriveFees(total: Money, rates: FeeRates): BookingFees {
  const guestRate = rates.guestServiceFeeBasisPoints;
  const estimate = Math.floor((total.amount * 10_000) / (10_000 + guestRate));
  const guestTotalOf = (subtotal: number) => subtotal + percentOf(money(subtotal), guestRate).amount;
  // Rounding the fee moves the exact subtotal by at most a kopeck either side of the estimate.
  const subtotal =
    [estimate, estimate + 1, estimate - 1, estimate + 2].find((s) => guestTotalOf(s) === total.amount) ??
    estimate;
  return {
    serviceFee: money(total.amount - subtotal, total.currency),
    hostFee: percentOf(money(subtotal, total.currency), rates.hostFeeBasisPoints),
  };
}
