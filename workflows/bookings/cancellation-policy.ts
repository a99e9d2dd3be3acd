import { money, type Money } from '@kvartirnsk/lib/money';

/**
 * How much a guest gets back when a booking is cancelled. Pure and deterministic: the booking workflow calls
 * it with instants it already knows, and finance can recompute any refund from the same inputs.
 *
 * Fees, the same for every policy:
 * - cancelled by the host or an admin: everything back, nights, cleaning and service fee;
 * - a full refund under the policy: everything back;
 * - a partial refund: the cleaning fee comes back if the stay has not begun (no cleaning is owed yet), and
 *   the guest service fee comes back in the same proportion as the nights' price, so the platform keeps a
 *   fee only on what the host keeps; rounding is half away from zero, to the kopeck, once per line.
 */
export const CANCELLATION_POLICIES = ['flexible', 'moderate', 'firm', 'strict'] as const;
export type CancellationPolicy = (typeof CANCELLATION_POLICIES)[number];

export interface RefundInput {
  policy: CancellationPolicy;
  /** Check-in as an instant: the check-in date at the listing's check-in time, in the listing's time zone. */
  checkInAt: string;
  /** The price of each night, in order; night i starts at checkInAt + i days. */
  nightlyPrices: Money[];
  cleaningFee: Money;
  serviceFee: Money;
  bookedAt: string;
  cancelledAt: string;
  cancelledBy: 'guest' | 'host' | 'admin';
}

export interface Refund {
  nights: Money;
  cleaningFee: Money;
  serviceFee: Money;
  total: Money;
  /** Which rule applied, for the guest's receipt and finance's trail. */
  rule: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

function sumOf(amounts: Money[], currency: Money['currency']): Money {
  return money(
    amounts.reduce((total, amount) => total + amount.amount, 0),
    currency,
  );
}

export function computeRefund(input: RefundInput): Refund {
  const currency = input.serviceFee.currency;
  const checkInAt = Date.parse(input.checkInAt);
  const cancelledAt = Date.parse(input.cancelledAt);
  const untilCheckIn = checkInAt - cancelledAt;
  const nightsTotal = sumOf(input.nightlyPrices, currency);

  const full = (rule: string): Refund => ({
    nights: nightsTotal,
    cleaningFee: input.cleaningFee,
    serviceFee: input.serviceFee,
    total: money(nightsTotal.amount + input.cleaningFee.amount + input.serviceFee.amount, currency),
    rule,
  });

  /** Refund of the given nights' price times a share, with the fees that follow from it. */
  const partial = (refundedNights: Money[], share: 1 | 0.5, rule: string): Refund => {
    const nights = money(roundHalfAwayFromZero(sumOf(refundedNights, currency).amount * share), currency);
    const cleaningFee = untilCheckIn > 0 ? input.cleaningFee : money(0, currency);
    const serviceFee =
      nightsTotal.amount === 0
        ? money(0, currency)
        : money(
            roundHalfAwayFromZero((input.serviceFee.amount * nights.amount) / nightsTotal.amount),
            currency,
          );
    return {
      nights,
      cleaningFee,
      serviceFee,
      total: money(nights.amount + cleaningFee.amount + serviceFee.amount, currency),
      rule,
    };
  };

  /** Nights that have not started when the guest cancels (a night starts at check-in time on its date). */
  const unspent = input.nightlyPrices.filter((_, i) => checkInAt + i * DAY_MS > cancelledAt);

  if (input.cancelledBy !== 'guest') return full(`cancelled by the ${input.cancelledBy}: full refund`);

  const withinGracePeriod =
    cancelledAt - Date.parse(input.bookedAt) <= 48 * HOUR_MS && untilCheckIn >= 14 * DAY_MS;

  switch (input.policy) {
    case 'flexible':
      if (untilCheckIn >= 24 * HOUR_MS) return full('flexible: cancelled 24 hours or more before check-in');
      return partial(unspent.slice(1), 1, 'flexible: the next night is kept, later nights are refunded');
    case 'moderate':
      if (untilCheckIn >= 5 * DAY_MS) return full('moderate: cancelled 5 days or more before check-in');
      return partial(unspent.slice(1), 0.5, 'moderate: 50% of unspent nights after the first');
    case 'firm':
      if (withinGracePeriod)
        return full('firm: cancelled within 48 hours of booking, 14+ days before check-in');
      if (untilCheckIn >= 30 * DAY_MS) return full('firm: cancelled 30 days or more before check-in');
      if (untilCheckIn >= 7 * DAY_MS)
        return partial(input.nightlyPrices, 0.5, 'firm: 50% from 30 to 7 days before');
      return partial([], 0.5, 'firm: no refund of nights within 7 days of check-in');
    case 'strict':
      if (withinGracePeriod)
        return full('strict: cancelled within 48 hours of booking, 14+ days before check-in');
      if (untilCheckIn >= 7 * DAY_MS)
        return partial(input.nightlyPrices, 0.5, 'strict: 50% until 7 days before');
      return partial([], 0.5, 'strict: no refund of nights within 7 days of check-in');
  }
}
