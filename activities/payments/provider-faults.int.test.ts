import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadConfig } from '@kvartirnsk/lib/config';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  paymentCommandSignal,
  paymentStatusQuery,
  paymentWorkflowId,
} from '@kvartirnsk/workflows/payments/contract';
import { paymentWorkflow } from '@kvartirnsk/workflows/payments/payment-workflow';
import { createPaymentActivities } from './activities';
import { transactionKindsOf } from './ledger';
import { paymentsMigrations, type PaymentsDatabase } from './schema';
import { createStripe, stripeConfigShape } from './stripe';
import { startStripeFaultProxy, type Fault, type StripeFaultProxy } from './stripe-fault-proxy';

// A real PaymentWorkflow on the local dev server (a queue of this run's own), its capture hit by provider faults
// between the payment activities and stripe-mock.
const QUEUE = `payments-faults-${randomBytes(4).toString('hex')}`;
let testDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let provider: StripeFaultProxy;
let workers: { stop(): Promise<void> };
const standIns: WorkflowHandle[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_faults', paymentsMigrations);
  const stripeConfig = loadConfig(stripeConfigShape);
  provider = await startStripeFaultProxy(stripeConfig.STRIPE_API_BASE);
  temporal = await connectTestClient();
  workers = await startTestWorkers([
    {
      taskQueue: QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      activities: createPaymentActivities({
        stripe: createStripe({ ...stripeConfig, STRIPE_API_BASE: provider.url }),
        db: testDb.db,
      }),
    },
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(standIns.map((handle) => handle.terminate('test finished').catch(() => undefined)));
  await workers?.stop();
  await provider?.close();
  await temporal?.connection.close();
  await testDb?.drop();
});

/**
 * Places a hold, injects `fault` into the next `times` calls capturing it, captures, and returns what the
 * provider saw.
 */
async function captureThrough(fault: Fault, times = 1) {
  const bookingId = randomUUID();
  // Stands in for the booking workflow as the receiver of the payment's "authorized" signal; nobody polls it.
  const standIn = await temporal.workflow.start('bookingStandIn', {
    workflowId: `stand-in:${bookingId}`,
    taskQueue: `${QUEUE}-unpolled`,
  });
  standIns.push(standIn);
  const payment = await temporal.workflow.start(paymentWorkflow, {
    workflowId: paymentWorkflowId(bookingId),
    taskQueue: QUEUE,
    args: [
      { bookingId, amount: money(700_000), notifyWorkflowId: standIn.workflowId, captureWindow: '1 hour' },
    ],
  });
  await eventually(
    () => payment.query(paymentStatusQuery),
    (status) => status === 'authorized',
  );
  provider.inject(fault, { path: /\/capture$/, times });
  await payment.signal(paymentCommandSignal, 'capture');
  const result = await payment.result();
  const key = `${paymentWorkflowId(bookingId)}:`;
  const captures = provider.calls.filter(
    (call) => call.path.endsWith('/capture') && call.idempotencyKey?.startsWith(key),
  );
  return { bookingId, result, captures };
}

it('waits as long as a 429’s Retry-After asks, then captures once', async () => {
  const { bookingId, result, captures } = await captureThrough({
    kind: 'status',
    status: 429,
    retryAfterSeconds: 3,
  });

  expect(result.status).toBe('captured');
  expect(captures.map((call) => [call.status, call.faulted, call.replayed])).toEqual([
    [429, true, false],
    [200, false, false],
  ]);
  // The retry policy alone would come back after 2 s.
  expect(captures[1]!.at - captures[0]!.at).toBeGreaterThanOrEqual(3_000);
  expect(new Set(captures.map((call) => call.idempotencyKey)).size).toBe(1);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['authorization', 'capture']);
}, 30_000);

it('captures once when the connection is reset after the provider already captured', async () => {
  // The Stripe client retries a closed connection once by itself; the second reset leaves it to the
  // activity's retry policy.
  const { bookingId, result, captures } = await captureThrough({ kind: 'reset', applied: true }, 2);

  expect(result.status).toBe('captured');
  // The first call moved the money and lost the answer; every retry, under the same key, is only replayed.
  expect(captures.map((call) => [call.answerLost, call.replayed])).toEqual([
    [true, false],
    [true, true],
    [false, true],
  ]);
  expect(captures.filter((call) => !call.replayed && !call.faulted)).toHaveLength(1);
  expect(new Set(captures.map((call) => call.idempotencyKey)).size).toBe(1);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['authorization', 'capture']);
}, 30_000);

it('captures once when the connection is reset before the provider saw the request', async () => {
  const { bookingId, result, captures } = await captureThrough({ kind: 'reset', applied: false }, 2);

  expect(result.status).toBe('captured');
  expect(captures.map((call) => [call.faulted, call.replayed])).toEqual([
    [true, false],
    [true, false],
    [false, false],
  ]);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['authorization', 'capture']);
}, 30_000);
