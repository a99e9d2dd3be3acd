import type { RefundRequest, RefundResult } from './contract';
import { payments } from './provider-activities';

/**
 * Gives a guest money back: for a cancellation, or an admin's full or partial refund or dispute. Its id is
 * derived from the request (refundWorkflowId), so the same request never refunds twice; the provider call
 * carries an idempotency key, so a retried call never refunds twice either.
 */
export async function refundWorkflow(request: RefundRequest): Promise<RefundResult> {
  const refundId = await payments.refundPayment({
    bookingId: request.bookingId,
    paymentIntentId: request.paymentIntentId,
    amount: request.amount,
    reason: request.reason,
  });
  return { refundId, amount: request.amount };
}
