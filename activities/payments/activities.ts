import { ApplicationFailure, Context } from '@temporalio/activity';
import type Stripe from 'stripe';
import { countMoneyMoved } from '@kvartirnsk/lib/metrics';
import { money, type Money } from '@kvartirnsk/lib/money';
import { type Authorization, PaymentFailureType } from '@kvartirnsk/workflows/payments/contract';
import { type LedgerPosting, post, reserveRefund, transfer } from './ledger';
import { markPayoutPaid, type PayoutRecord, savePayoutRecord } from './payouts';
import { LedgerAccount, type PaymentsDb, type ProviderMovement } from './schema';

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

/**
 * A provider that asks us to slow down says for how long (Retry-After, in seconds): the activity's next attempt
 * waits that long instead of the retry policy's backoff. Every other transient failure retries by the policy.
 */
async function callProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const { type, headers } = err as { type?: string; headers?: Record<string, string> };
    const retryAfter = Number(headers?.['retry-after']);
    if (type === 'StripeRateLimitError' && Number.isFinite(retryAfter) && retryAfter > 0) {
      throw ApplicationFailure.create({
        type: PaymentFailureType.PROVIDER_RATE_LIMITED,
        message: (err as Error).message,
        nextRetryDelay: retryAfter * 1000,
      });
    }
    throw err;
  }
}

/** Keeps the provider's answer to a money movement, for reconciliation to hold against the ledger. */
async function recordProviderOperation(
  db: PaymentsDb,
  operation: {
    idempotencyKey: string;
    movement: ProviderMovement;
    bookingId: string;
    providerObjectId: string;
    amount: Money;
  },
): Promise<void> {
  await db
    .insertInto('provider_operations')
    .values({
      idempotency_key: operation.idempotencyKey,
      movement: operation.movement,
      booking_id: operation.bookingId,
      provider_object_id: operation.providerObjectId,
      amount: operation.amount.amount,
      currency: operation.amount.currency,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** Posts a movement of `moved` and counts it, only when this call recorded it: a retry replays the same key. */
async function postMovement(db: PaymentsDb, moved: Money, posting: LedgerPosting): Promise<void> {
  if (await post(db, posting)) countMoneyMoved(posting.kind, moved);
}

const providerMoney = (amount: number, currency: string) =>
  money(amount, currency.toUpperCase() as Money['currency']);

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
        intent = await callProvider(() =>
          stripe.paymentIntents.create(
            {
              amount: request.amount.amount,
              currency: request.amount.currency.toLowerCase(),
              capture_method: 'manual',
              confirm: true,
              payment_method: request.paymentMethod ?? TEST_CARD,
              metadata: { bookingId: request.bookingId },
            },
            { idempotencyKey: key },
          ),
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
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'authorization',
        bookingId: request.bookingId,
        providerObjectId: intent.id,
        amount: providerMoney(intent.amount, intent.currency),
      });
      await postMovement(db, request.amount, {
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
      await callProvider(() =>
        stripe.paymentIntents.capture(
          paymentIntentId,
          { amount_to_capture: amount.amount },
          { idempotencyKey: key },
        ),
      );
      // Stripe states the captured amount as amount_received; stripe-mock answers a canned intent, so the
      // provider record keeps the amount the provider accepted to capture.
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'capture',
        bookingId,
        providerObjectId: paymentIntentId,
        amount,
      });
      await postMovement(db, amount, {
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
      const reservation = await reserveRefund(db, { idempotencyKey: key, bookingId, amount });
      if (!reservation.reserved) {
        throw ApplicationFailure.create({
          type: PaymentFailureType.REFUND_EXCEEDS_CAPTURED,
          message: `At most ${reservation.refundable} kopecks of this payment can still be refunded`,
          nonRetryable: true,
        });
      }
      const refund = await callProvider(() =>
        stripe.refunds.create(
          { payment_intent: paymentIntentId, amount: amount.amount, metadata: { bookingId, reason } },
          { idempotencyKey: key },
        ),
      );
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'refund',
        bookingId,
        providerObjectId: refund.id,
        amount: providerMoney(refund.amount, refund.currency),
      });
      await postMovement(db, amount, {
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
      await postMovement(db, earned, {
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
      const sent = await callProvider(() =>
        stripe.transfers.create(
          {
            amount: amount.amount,
            currency: amount.currency.toLowerCase(),
            destination: hostAccount,
            metadata: { bookingId },
          },
          { idempotencyKey: key },
        ),
      );
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'payout',
        bookingId,
        providerObjectId: sent.id,
        amount: providerMoney(sent.amount, sent.currency),
      });
      await postMovement(db, amount, {
        idempotencyKey: key,
        kind: 'payout',
        bookingId,
        entries: transfer(LedgerAccount.HOST_PAYABLE, LedgerAccount.PROVIDER_RECEIVABLE, amount),
      });
      await markPayoutPaid(db, bookingId, amount);
      return sent.id;
    },

    /** Keeps the host's view of their payout: scheduled (and what a cancellation leaves), nothing due, failed. */
    async recordPayout(record: PayoutRecord): Promise<void> {
      await savePayoutRecord(db, record);
    },

    /**
     * A refund after the stay's money was earned gives back earnings: the host's part becomes what the host
     * owes us, the rest comes off the platform's revenue, and the refunded prepayment is restored.
     */
    async reverseEarnings({
      bookingId,
      refunded,
      hostShare,
    }: {
      bookingId: string;
      refunded: Money;
      hostShare: Money;
    }) {
      await postMovement(db, refunded, {
        idempotencyKey: idempotencyKey(),
        kind: 'earning_reversal',
        bookingId,
        entries: [
          { account: LedgerAccount.GUEST_PREPAYMENTS, amount: money(-refunded.amount, refunded.currency) },
          { account: LedgerAccount.HOST_RECEIVABLE, amount: hostShare },
          {
            account: LedgerAccount.PLATFORM_REVENUE,
            amount: money(refunded.amount - hostShare.amount, refunded.currency),
          },
        ].filter((entry) => entry.amount.amount !== 0),
      });
    },

    /** Takes the host's share of a refund back from the payout's transfer, settling what the host owes. */
    async reverseTransfer({
      bookingId,
      transferId,
      amount,
    }: {
      bookingId: string;
      transferId: string;
      amount: Money;
    }): Promise<string> {
      const key = idempotencyKey();
      const reversal = await callProvider(() =>
        stripe.transfers.createReversal(
          transferId,
          { amount: amount.amount, metadata: { bookingId } },
          { idempotencyKey: key },
        ),
      );
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'transfer_reversal',
        bookingId,
        providerObjectId: reversal.id,
        amount: money(reversal.amount, amount.currency),
      });
      await postMovement(db, amount, {
        idempotencyKey: key,
        kind: 'transfer_reversal',
        bookingId,
        entries: transfer(LedgerAccount.PROVIDER_RECEIVABLE, LedgerAccount.HOST_RECEIVABLE, amount),
      });
      return reversal.id;
    },

    /** Releases the hold on the guest's card; the compensation of authorizePayment. */
    async voidAuthorization({ bookingId, paymentIntentId, amount }: HeldPayment): Promise<void> {
      const key = idempotencyKey();
      await callProvider(() => stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: key }));
      await recordProviderOperation(db, {
        idempotencyKey: key,
        movement: 'void',
        bookingId,
        providerObjectId: paymentIntentId,
        amount,
      });
      await postMovement(db, amount, {
        idempotencyKey: key,
        kind: 'void',
        bookingId,
        paymentIntentId,
        entries: transfer(LedgerAccount.CARD_HOLDS_OUTSTANDING, LedgerAccount.CARD_HOLDS, amount),
      });
    },
  };
}
