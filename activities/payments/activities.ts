import { ApplicationFailure, Context } from '@temporalio/activity';
import type Stripe from 'stripe';
import { money, type Money } from '@kvartirnsk/lib/money';
import { type Authorization, PaymentFailureType } from '@kvartirnsk/workflows/payments/contract';
import { post, transfer } from './ledger';
import { LedgerAccount, type PaymentsDb } from './schema';

export interface PaymentActivityDeps {
  stripe: Stripe;
  db: PaymentsDb;
}

/**
 * The key is the same on every retry of one activity and different for every activity of a workflow,
 * so the provider applies each money movement exactly once, and the ledger records it once.
 */
export function idempotencyKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  if (!workflowExecution) throw new Error('Payment activities run only inside a workflow');
  return `${workflowExecution.workflowId}:${activityId}`;
}

export interface HeldPayment {
  bookingId: string;
  paymentIntentId: string;
  amount: Money;
}

const TEST_CARD = 'pm_card_visa';

export function createPaymentActivities({ stripe, db }: PaymentActivityDeps) {
  return {
    /** Places a hold for the full amount on the guest's card; captured later, or voided. */
    async authorizePayment(request: {
      bookingId: string;
      amount: Money;
      paymentMethod?: string;
    }): Promise<Authorization> {
      const key = idempotencyKey();
      let intent: Stripe.PaymentIntent;
      try {
        intent = await stripe.paymentIntents.create(
          {
            amount: request.amount.amount,
            currency: request.amount.currency.toLowerCase(),
            capture_method: 'manual',
            confirm: true,
            payment_method: request.paymentMethod ?? TEST_CARD,
            metadata: { bookingId: request.bookingId },
          },
          { idempotencyKey: key },
        );
      } catch (err) {
        if ((err as { type?: string }).type === 'StripeCardError') {
          throw ApplicationFailure.create({
            type: PaymentFailureType.CARD_DECLINED,
            message: (err as Error).message,
            nonRetryable: true,
          });
        }
        throw err;
      }
      await post(db, {
        idempotencyKey: key,
        kind: 'authorization',
        bookingId: request.bookingId,
        paymentIntentId: intent.id,
        entries: transfer(LedgerAccount.CARD_HOLDS, LedgerAccount.CARD_HOLDS_OUTSTANDING, request.amount),
      });
      return {
        paymentIntentId: intent.id,
        status: intent.status,
        amount: money(request.amount.amount, request.amount.currency),
      };
    },

    /** Takes the held money: the hold is released and the provider owes us the amount for the stay. */
    async capturePayment({ bookingId, paymentIntentId, amount }: HeldPayment): Promise<void> {
      const key = idempotencyKey();
      await stripe.paymentIntents.capture(
        paymentIntentId,
        { amount_to_capture: amount.amount },
        { idempotencyKey: key },
      );
      await post(db, {
        idempotencyKey: key,
        kind: 'capture',
        bookingId,
        paymentIntentId,
        entries: [
          ...transfer(LedgerAccount.CARD_HOLDS_OUTSTANDING, LedgerAccount.CARD_HOLDS, amount),
          ...transfer(LedgerAccount.PROVIDER_RECEIVABLE, LedgerAccount.GUEST_PREPAYMENTS, amount),
        ],
      });
    },

    /** Releases the hold on the guest's card; the compensation of authorizePayment. */
    async voidAuthorization({ bookingId, paymentIntentId, amount }: HeldPayment): Promise<void> {
      const key = idempotencyKey();
      await stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: key });
      await post(db, {
        idempotencyKey: key,
        kind: 'void',
        bookingId,
        paymentIntentId,
        entries: transfer(LedgerAccount.CARD_HOLDS_OUTSTANDING, LedgerAccount.CARD_HOLDS, amount),
      });
    },
  };
}
