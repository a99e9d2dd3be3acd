import { MockActivityEnvironment } from '@temporalio/testing';
import { money } from '@kvartirnsk/lib/money';
import { createPaymentActivities } from './activities';
import { createStripe, stripeConfigShape } from './stripe';
import { loadConfig } from '@kvartirnsk/lib/config';

// Against stripe-mock, Stripe's official API mock, started by scripts/stack.
const stripe = createStripe(loadConfig(stripeConfigShape));
const activities = createPaymentActivities({ stripe });

const sentKeys: Array<{ path: string; key: string | undefined }> = [];
stripe.on('request', (event: { path: string; idempotency_key?: string }) => {
  sentKeys.push({ path: event.path, key: event.idempotency_key });
});

function environmentFor(workflowId: string, activityId: string) {
  return new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' }, activityId });
}

beforeEach(() => {
  sentKeys.length = 0;
});

it('authorizes with a manual-capture PaymentIntent and an idempotency key from workflow and activity ids', async () => {
  const env = environmentFor('booking:abc', '7');
  const authorization = await env.run<
    Parameters<typeof activities.authorizePayment>,
    Awaited<ReturnType<typeof activities.authorizePayment>>,
    typeof activities.authorizePayment
  >(activities.authorizePayment, { bookingId: 'abc', amount: money(700_000) });

  expect(authorization.paymentIntentId).toMatch(/^pi_/);
  expect(authorization.amount).toEqual(money(700_000));
  expect(sentKeys).toEqual([{ path: '/v1/payment_intents', key: 'booking:abc:7' }]);
});

it('captures and voids with keys of their own', async () => {
  await environmentFor('booking:abc', '8').run(activities.capturePayment, 'pi_123');
  await environmentFor('booking:abc', '9').run(activities.voidAuthorization, 'pi_123');

  expect(sentKeys).toEqual([
    { path: '/v1/payment_intents/pi_123/capture', key: 'booking:abc:8' },
    { path: '/v1/payment_intents/pi_123/cancel', key: 'booking:abc:9' },
  ]);
});
