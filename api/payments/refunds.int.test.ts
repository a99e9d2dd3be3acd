import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { transactionKindsOf } from '@kvartirnsk/activities/payments/ledger';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createPaymentsApp } from './app';
import {
  capturedBooking as capturedBookingIn,
  type PaymentsApiStack,
  startPaymentPool,
  startPaymentsApiStack,
} from './test-support';

// Admin and finance refunds end to end: the payments API starts a RefundWorkflow on the real dev server, the
// payment pool refunds through stripe-mock (behind the fault proxy, which counts provider calls) and posts it.
let testDb: PaymentsApiStack['testDb'];
let provider: PaymentsApiStack['provider'];
let app: PaymentsApiStack['app'];
let stack: PaymentsApiStack;
const FINANCE = identityHeaders({ userId: 'finance-1', roles: ['finance'] });

beforeAll(async () => {
  stack = await startPaymentsApiStack('refunds');
  ({ testDb, provider, app } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const capturedBooking = () => capturedBookingIn(testDb);

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

it('answers 503 with Retry-After while the refund is not done, and the same order later with its outcome', async () => {
  const bookingId = await capturedBooking();
  // A queue no payment worker polls yet: the refund starts and waits there.
  const queue = `${stack.queue}-later`;
  const appOn = (workflowDeadlineMs?: number) =>
    createPaymentsApp({
      db: testDb.db,
      temporal: stack.temporal,
      stripe: stack.stripe,
      webhookSecret: 'whsec_unused',
      logger: createLogger('test', 'silent'),
      paymentsTaskQueue: queue,
      workflowDeadlineMs,
    });
  const body = {
    refundRequestId: randomUUID(),
    amount: { amount: 100_000, currency: 'RUB' },
    reason: 'Late check-in',
  };
  const send = (service: ReturnType<typeof appOn>) =>
    request(service).post(`/payments/bookings/${bookingId}/refunds`).set(FINANCE).send(body);

  const waiting = await send(appOn(1_000));

  expect(waiting.status).toBe(503);
  expect(waiting.headers['retry-after']).toBe('5');
  expect(waiting.body.detail).toMatch(/send the same order again/);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture']);

  const pool = await startPaymentPool(queue, testDb, stack.stripe);
  try {
    const done = await send(appOn());

    expect(done.status).toBe(201);
    expect(done.body.refundId).toMatch(/^re_/);
    const refunds = provider
      .effective(/^\/v1\/refunds$/)
      .filter((call) => call.idempotencyKey?.includes(bookingId));
    expect(refunds).toHaveLength(1);
    expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['capture', 'refund']);
  } finally {
    await pool.stop();
  }
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
