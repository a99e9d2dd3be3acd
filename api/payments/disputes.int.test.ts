import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { post, refundableOf, transactionKindsOf, transfer } from '@kvartirnsk/activities/payments/ledger';
import {
  LedgerAccount,
  paymentsMigrations,
  type PaymentsDatabase,
} from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import { disputeRefundWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import { createPaymentsApp } from './app';

// Disputes end to end: the payments API records them and settles them through a RefundWorkflow on the real dev
// server (a queue of this run's own), refunding through stripe-mock into this file's own ledger.
const QUEUE = `payments-disputes-${randomBytes(4).toString('hex')}`;
const ADMIN = identityHeaders({ userId: 'admin-1', roles: ['admin'] });
let testDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof createPaymentsApp>;

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_disputes', paymentsMigrations);
  const stripe = createStripe(loadConfig(stripeConfigShape));
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

const open = (bookingId: string, body: object, headers = ADMIN) =>
  request(app).post(`/payments/bookings/${bookingId}/disputes`).set(headers).send(body);
const settle = (bookingId: string, disputeId: string, body: object) =>
  request(app).post(`/payments/bookings/${bookingId}/disputes/${disputeId}/settle`).set(ADMIN).send(body);
const dispute = (claimed = 300_000) => ({
  disputeId: randomUUID(),
  claimed: { amount: claimed, currency: 'RUB' },
  reason: 'No hot water for three nights',
});

it('records a dispute once and settles it with one refund, however often either is sent', async () => {
  const bookingId = await capturedBooking();
  const body = dispute();

  const opened = await open(bookingId, body);
  const reopened = await open(bookingId, body);
  const decision = { refund: { amount: 150_000, currency: 'RUB' }, resolution: 'Half of the claim' };
  const settled = await settle(bookingId, body.disputeId, decision);
  const again = await settle(bookingId, body.disputeId, decision);
  const listed = await request(app).get(`/payments/bookings/${bookingId}/disputes`).set(ADMIN);

  expect([opened.status, reopened.status]).toEqual([201, 200]);
  expect(reopened.body).toEqual(opened.body);
  expect(opened.body).toEqual(
    expect.objectContaining({
      status: 'open',
      claimed: { amount: 300_000, currency: 'RUB' },
      refunded: null,
    }),
  );
  expect(settled.status).toBe(200);
  expect(settled.body).toEqual(
    expect.objectContaining({
      status: 'settled',
      refunded: { amount: 150_000, currency: 'RUB' },
      resolution: 'Half of the claim',
      settledBy: 'admin-1',
    }),
  );
  expect(settled.body.refundId).toMatch(/^re_/);
  expect(again.body).toEqual(settled.body);
  expect(listed.body.disputes).toEqual([settled.body]);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture', 'refund']);
  expect((await refundableOf(testDb.db, bookingId)).refundable).toBe(550_000);
  const { workflowId } = await temporal.workflow
    .getHandle(disputeRefundWorkflowId(bookingId, body.disputeId))
    .describe();
  expect(workflowId).toBe(disputeRefundWorkflowId(bookingId, body.disputeId));
});

it('settles for the host without moving money', async () => {
  const bookingId = await capturedBooking();
  const body = dispute();
  await open(bookingId, body);

  const settled = await settle(bookingId, body.disputeId, {
    refund: { amount: 0, currency: 'RUB' },
    resolution: 'Photos show hot water',
  });

  expect(settled.body).toEqual(
    expect.objectContaining({ status: 'settled', refunded: { amount: 0, currency: 'RUB' }, refundId: null }),
  );
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture']);
});

it('refuses refunds beyond the claim or the capture, a second different settlement, and non-staff', async () => {
  const bookingId = await capturedBooking();
  const big = dispute(900_000);
  const small = dispute(100_000);
  await open(bookingId, big);
  await open(bookingId, small);

  const beyondClaim = await settle(bookingId, small.disputeId, {
    refund: { amount: 100_001, currency: 'RUB' },
    resolution: 'x',
  });
  const beyondCapture = await settle(bookingId, big.disputeId, {
    refund: { amount: 800_000, currency: 'RUB' },
    resolution: 'x',
  });
  await settle(bookingId, small.disputeId, { refund: { amount: 0, currency: 'RUB' }, resolution: 'x' });
  const changedMind = await settle(bookingId, small.disputeId, {
    refund: { amount: 10, currency: 'RUB' },
    resolution: 'y',
  });
  const unknown = await settle(bookingId, randomUUID(), {
    refund: { amount: 0, currency: 'RUB' },
    resolution: 'x',
  });
  const guest = await open(bookingId, dispute(), identityHeaders({ userId: 'g', roles: ['guest'] }));
  const bad = await open(bookingId, { ...dispute(), claimed: { amount: 0, currency: 'USD' } });

  expect(beyondClaim.body.type).toMatch(/exceeds-claim$/);
  expect(beyondCapture.status).toBe(409);
  expect(beyondCapture.body.type).toMatch(/exceeds-refundable$/);
  expect(changedMind.status).toBe(409);
  expect(unknown.status).toBe(404);
  expect(guest.status).toBe(403);
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'claimed.amount',
    'claimed.currency',
  ]);
});
