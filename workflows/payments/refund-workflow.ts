import { patched } from '@temporalio/workflow';
import { notifyQuietly } from '../notifications/notify';
import type { RefundRequest, RefundResult } from './contract';
import { payments } from './provider-activities';

/**
 * Gives a guest money back: for a cancellation, or an admin's full or partial refund or dispute. Its id is
 * derived from the request (refundWorkflowId), so the same request never refunds twice; the provider call
 * carries an idempotency key, so a retried call never refunds twice either. A refund after the host was paid
 * also claws the host's share back: the earnings are reversed in the ledger, then the transfer at the provider.
 */
export async function refundWorkflow(request: RefundRequest): Promise<RefundResult> {
  const refundId = await payments.refundPayment({
    bookingId: request.bookingId,
    paymentIntentId: request.paymentIntentId,
    amount: request.amount,
    reason: request.reason,
  });
  // The guest hears of the refund while the host's share is clawed back, which may retry for hours.
  const guestTold =
    request.guestId && patched('notifications')
      ? notifyQuietly(request.guestId, {
          kind: 'refund_issued',
          data: { bookingId: request.bookingId, amount: request.amount },
        })
      : undefined;
  const result = await clawBack(request, refundId);
  await guestTold;
  return result;
}

async function clawBack(request: RefundRequest, refundId: string): Promise<RefundResult> {
  const clawback = request.payoutClawback;
  if (!clawback) return { refundId, amount: request.amount };
  await payments.reverseEarnings({
    bookingId: request.bookingId,
    refunded: request.amount,
    hostShare: clawback.hostShare,
  });
  if (clawback.hostShare.amount === 0) return { refundId, amount: request.amount };
  const transferReversalId = await payments.reverseTransfer({
    bookingId: request.bookingId,
    transferId: clawback.transferId,
    amount: clawback.hostShare,
  });
  return { refundId, amount: request.amount, transferReversalId };
}
