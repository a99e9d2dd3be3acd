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

    /** Gives the guest back part or all of a captured payment. */
    async refundPayment({
      bookingId,
      paymentIntentId,
      amount,
      reason,
    }: HeldPayment & { reason: string }): Promise<string> {
      const key = idempotencyKey();
      const refund = await stripe.refunds.create(
        { payment_intent: paymentIntentId, amount: amount.amount, metadata: { bookingId, reason } },
        { idempotencyKey: key },
      );
      await post(db, {
        idempotencyKey: key,
        kind: 'refund',
        bookingId,
        paymentIntentId,
        entries: transfer(LedgerAccount.GUEST_PREPAYMENTS, LedgerAccount.PROVIDER_RECEIVABLE, amount),
      });
      return refund.id;
    },

    /** The stay has begun: what the guest paid is earned, split between the host and the platform's fees. */
    async recognizeEarnings({
      bookingId,
      earned,
      hostShare,
    }: {
      bookingId: string;
      earned: Money;
      hostShare: Money;
    }) {
      await post(db, {
        idempotencyKey: idempotencyKey(),
        kind: 'earning',
        bookingId,
        entries: [
          { account: LedgerAccount.GUEST_PREPAYMENTS, amount: earned },
          { account: LedgerAccount.HOST_PAYABLE, amount: money(-hostShare.amount, hostShare.currency) },
          {
            account: LedgerAccount.PLATFORM_REVENUE,
            amount: money(hostShare.amount - earned.amount, earned.currency),
          },
        ].filter((entry) => entry.amount.amount !== 0),
      });
    },

    /** Sends the host their share through the provider (a transfer to their connected account). */
    async transferToHost({
      bookingId,
      hostAccount,
      amount,
    }: {
      bookingId: string;
      hostAccount: string;
      amount: Money;
    }) {
      const key = idempotencyKey();
      const sent = await stripe.transfers.create(
        {
          amount: amount.amount,
          currency: amount.currency.toLowerCase(),
          destination: hostAccount,
          metadata: { bookingId },
        },
        { idempotencyKey: key },
      );
      await post(db, {
        idempotencyKey: key,
        kind: 'payout',
        bookingId,
        entries: transfer(LedgerAccount.HOST_PAYABLE, LedgerAccount.PROVIDER_RECEIVABLE, amount),
      });
      return sent.id;
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
