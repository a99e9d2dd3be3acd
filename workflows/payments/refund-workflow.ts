import { proxyActivities } from '@temporalio/workflow';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import type { RefundRequest, RefundResult } from './contract';

/** Same policy as every provider call: idempotent, so retry patiently through an outage. */
const providerCall = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 100,
  },
} as const;

const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(providerCall);

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
