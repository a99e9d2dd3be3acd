import { money } from '@kvartirnsk/lib/money';
import { computeRefund } from '@kvartirnsk/workflows/bookings/cancellation-policy';
import { BEFORE_CAPTURE, type BookingState } from '#lib/bookings/types.ts';

export interface RefundPreview {
  total: number;
  rule: string | null;
}

/**
 * What the guest would get back if they cancelled now. The bookings API does not preview refunds, so this
 * runs the same pure function the booking workflow runs when it cancels, on the booking's own quote; the
 * amount shown after cancelling is the workflow's. Before the payment is captured nothing was charged and
 * the whole hold is released.
 */
export function previewRefund(state: BookingState, now = new Date()): RefundPreview | null {
  const quote = state.quote;
  if (!quote) return null;
  if (BEFORE_CAPTURE.includes(state.status)) return { total: quote.total.amount, rule: null };
  if (state.status !== 'confirmed' || !quote.cancellationPolicy || !quote.checkInAt) return null;
  const amountOf = (kind: string) => quote.lines.find((line) => line.kind === kind)?.amount.amount ?? 0;
  const refund = computeRefund({
    policy: quote.cancellationPolicy,
    checkInAt: quote.checkInAt,
    nightlyPrices: quote.lines.filter((line) => line.kind === 'night').map((line) => money(line.amount.amount)),
    cleaningFee: money(amountOf('cleaning_fee')),
    serviceFee: money(amountOf('service_fee')),
    bookedAt: state.history[0]?.at ?? now.toISOString(),
    cancelledAt: now.toISOString(),
    cancelledBy: 'guest',
  });
  return { total: refund.total.amount, rule: refund.rule };
}
