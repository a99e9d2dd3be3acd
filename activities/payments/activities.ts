import { ApplicationFailure, Context } from '@temporalio/activity';
import type Stripe from 'stripe';
import { money } from '@kvartirnsk/lib/money';
import {
  type Authorization,
  type AuthorizationRequest,
  PaymentFailureType,
} from '@kvartirnsk/workflows/payments/contract';

export interface PaymentActivityDeps {
  stripe: Stripe;
}

/**
 * The key is the same on every retry of one activity and different for every activity of a workflow,
 * so the provider applies each money movement exactly once.
 */
export function idempotencyKey(): string {
  const { workflowExecution, activityId } = Context.current().info;
  if (!workflowExecution) throw new Error('Payment activities run only inside a workflow');
  return `${workflowExecution.workflowId}:${activityId}`;
}

const TEST_CARD = 'pm_card_visa';

export function createPaymentActivities({ stripe }: PaymentActivityDeps) {
  return {
    /** Places a hold for the full amount on the guest's card; captured later, or voided. */
    async authorizePayment(request: AuthorizationRequest): Promise<Authorization> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: request.amount.amount,
            currency: request.amount.currency.toLowerCase(),
            capture_method: 'manual',
            confirm: true,
            payment_method: request.paymentMethod ?? TEST_CARD,
            metadata: { bookingId: request.bookingId },
          },
          { idempotencyKey: idempotencyKey() },
        );
        return {
          paymentIntentId: intent.id,
          status: intent.status,
          amount: money(request.amount.amount, request.amount.currency),
        };
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
    },

    async capturePayment(paymentIntentId: string): Promise<void> {
      await stripe.paymentIntents.capture(paymentIntentId, {}, { idempotencyKey: idempotencyKey() });
    },

    /** Releases the hold on the guest's card; the compensation of authorizePayment. */
    async voidAuthorization(paymentIntentId: string): Promise<void> {
      await stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: idempotencyKey() });
    },
  };
}
