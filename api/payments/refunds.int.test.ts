import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { post, transactionKindsOf, transfer } from '@kvartirnsk/activities/payments/ledger';
import {
  LedgerAccount,
  paymentsMigrations,
  type PaymentsDatabase,
} from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import {
  startStripeFaultProxy,
  type StripeFaultProxy,
} from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import { loadConfig } from '@kvartirnsk/lib/config';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import { createPaymentsApp } from './app';

// Admin and finance refunds end to end: the payments API starts a RefundWorkflow on the real dev server, the
// payment pool refunds through stripe-mock (behind the fault proxy, which counts provider calls) and posts it.
let testDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let provider: StripeFaultProxy;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof createPaymentsApp>;
const FINANCE = identityHeaders({ userId: 'finance-1', roles: ['finance'] });
const QUEUE = `payments-refunds-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_refunds', paymentsMigrations);
  const stripeConfig = loadConfig(stripeConfigShape);
  provider = await startStripeFaultProxy(stripeConfig.STRIPE_API_BASE);
  const stripe = createStripe({ ...stripeConfig, STRIPE_API_BASE: provider.url });
  temporal = await connectTestClient();
  workers = await startTestWorkers([
    {
      taskQueue: QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      activities: createPaymentActivities({ stripe, db: testDb.db }),
    },
  ]);
  app = createPaymentsApp({
    db: testDb.db,
    temporal,
    stripe,
    webhookSecret: 'whsec_unused',
    logger: createLogger('test', 'silent'),
    paymentsTaskQueue: QUEUE,
  });
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  await provider?.close();
  await temporal?.connection.close();
  await testDb?.drop();
});

/** A booking whose 7 000 ₽ were captured, as the payment workflow would have posted it. */
async function capturedBooking(): Promise<string> {
  const bookingId = randomUUID();
  await post(testDb.db, {
    idempotencyKey: `capture-${bookingId}`,
    kind: 'capture',
    bookingId,
    paymentIntentId: `pi_${bookingId.slice(0, 8)}`,
    entries: transfer(LedgerAccount.PROVIDER_RECEIVABLE, LedgerAccount.GUEST_PREPAYMENTS, money(700_000)),
  });
  return bookingId;
}

const refund = (bookingId: string, body: object, headers = FINANCE) =>
  request(app).post(`/payments/bookings/${bookingId}/refunds`).set(headers).send(body);

it('refunds part of a payment once, however often the same request is sent', async () => {
  const bookingId = await capturedBooking();
  const body = {
    refundRequestId: randomUUID(),
    amount: { amount: 250_000, currency: 'RUB' },
    reason: 'Dispute settled',
  };

  const first = await refund(bookingId, body);
  const again = await refund(bookingId, body);

  expect(first.status).toBe(201);
  expect(first.body.refundId).toMatch(/^re_/);
  expect(again.body).toEqual(first.body);
  const refunds = provider
    .effective(/^\/v1\/refunds$/)
    .filter((call) => call.idempotencyKey?.includes(bookingId));
  expect(refunds).toHaveLength(1);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture', 'refund']);
});

it('never refunds more than is still held for the booking', async () => {
  const bookingId = await capturedBooking();
  await refund(bookingId, {
    refundRequestId: randomUUID(),
    amount: { amount: 600_000, currency: 'RUB' },
    reason: 'a',
  });

  const tooMuch = await refund(bookingId, {
    refundRequestId: randomUUID(),
    amount: { amount: 100_001, currency: 'RUB' },
    reason: 'b',
  });

  expect(tooMuch.status).toBe(409);
  expect(tooMuch.body.type).toMatch(/exceeds-refundable$/);
});

it('lets only one of two concurrent refunds through when together they exceed the capture', async () => {
  const bookingId = await capturedBooking();
  const halfAndMore = () =>
    refund(bookingId, {
      refundRequestId: randomUUID(),
      amount: { amount: 500_000, currency: 'RUB' },
      reason: 'Duplicate complaint',
    });

  const answers = await Promise.all([halfAndMore(), halfAndMore(), halfAndMore()]);

  expect(answers.map((res) => res.status).sort()).toEqual([201, 409, 409]);
  expect(answers.find((res) => res.status === 409)?.body.type).toMatch(/exceeds-refundable$/);
  const refunds = provider
    .effective(/^\/v1\/refunds$/)
    .filter((call) => call.idempotencyKey?.includes(bookingId));
  expect(refunds).toHaveLength(1);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture', 'refund']);
}, 30_000);

it('refuses bookings with nothing captured, callers who are not finance, and bad input', async () => {
  const body = { refundRequestId: randomUUID(), amount: { amount: 1, currency: 'RUB' }, reason: 'x' };

  const nothing = await refund(randomUUID(), body);
  const guest = await refund(
    await capturedBooking(),
    body,
    identityHeaders({ userId: 'g', roles: ['guest'] }),
  );
  const bad = await refund(await capturedBooking(), { ...body, amount: { amount: -5, currency: 'USD' } });

  expect(nothing.status).toBe(409);
  expect(guest.status).toBe(403);
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'amount.amount',
    'amount.currency',
  ]);
});
