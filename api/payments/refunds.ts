import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { refundableOf } from '@kvartirnsk/activities/payments/ledger';
import type { PaymentsDb } from '@kvartirnsk/activities/payments/schema';
import type { Money } from '@kvartirnsk/lib/money';
import { conflict } from '@kvartirnsk/lib/problem';
import { callWithinDeadline } from '@kvartirnsk/lib/temporal';
import { PaymentFailureType, type RefundResult } from '@kvartirnsk/workflows/payments/contract';
import { refundWorkflow } from '@kvartirnsk/workflows/payments/refund-workflow';

export interface RefundOrder {
  bookingId: string;
  /** From the request's own id (refund form, dispute): the same order never refunds twice. */
  workflowId: string;
  amount: Money;
  reason: string;
  requestedBy: string;
}

const exceeds = (left: number) =>
  conflict('exceeds-refundable', `At most ${left} kopecks of this payment can still be refunded`);

/**
 * Runs a RefundWorkflow for an order from finance or an admin and waits for it. A repeated order attaches to
 * the refund already under way or done; one the capture cannot cover is a 409, whether the early check sees it
 * or the refund activity's locked check does (two orders racing). One not done by the deadline is a 503: the
 * refund goes on, and the repeated order answers with its outcome.
 */
export function createRefundRunner({
  db,
  temporal,
  paymentsTaskQueue,
  deadlineMs,
}: {
  db: PaymentsDb;
  temporal: Client;
  paymentsTaskQueue: string;
  /** How long the caller waits for the refund before a 503. */
  deadlineMs: number;
}) {
  return async function runRefund(order: RefundOrder): Promise<RefundResult> {
    const { paymentIntentId, refundable } = await refundableOf(db, order.bookingId);
    if (!paymentIntentId) throw conflict('nothing-captured', 'This booking has no captured payment');
    const alreadyOrdered = await temporal.workflow
      .getHandle(order.workflowId)
      .describe()
      .then(
        () => true,
        () => false,
      );
    if (!alreadyOrdered && order.amount.amount > refundable) throw exceeds(refundable);
    const refund = () =>
      temporal.workflow
        .execute(refundWorkflow, {
          workflowId: order.workflowId,
          taskQueue: paymentsTaskQueue,
          args: [
            {
              bookingId: order.bookingId,
              paymentIntentId,
              amount: order.amount,
              reason: order.reason,
              requestedBy: order.requestedBy,
            },
          ],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        })
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
          return temporal.workflow.getHandle<typeof refundWorkflow>(order.workflowId).result();
        })
        .catch(async (err: unknown) => {
          const cause = err instanceof WorkflowFailedError ? err.cause?.cause : undefined;
          if (
            cause instanceof ApplicationFailure &&
            cause.type === PaymentFailureType.REFUND_EXCEEDS_CAPTURED
          ) {
            throw exceeds((await refundableOf(db, order.bookingId)).refundable);
          }
          throw err;
        });
    return callWithinDeadline(
      temporal,
      {
        deadlineMs,
        unavailable: 'The refund is under way but not done yet; send the same order again to get its outcome',
      },
      refund,
    );
  };
}

export type RefundRunner = ReturnType<typeof createRefundRunner>;
