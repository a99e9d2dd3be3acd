import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { refundableOf, transactionKindsOf } from '@kvartirnsk/activities/payments/ledger';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { disputeRefundWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import {
  capturedBooking as capturedBookingIn,
  type PaymentsApiStack,
  startPaymentsApiStack,
} from './test-support';

// Disputes end to end: the payments API records them and settles them through a RefundWorkflow on the real dev
// server (a queue of this run's own), refunding through stripe-mock into this file's own ledger.
const ADMIN = identityHeaders({ userId: 'admin-1', roles: ['admin'] });
let testDb: PaymentsApiStack['testDb'];
let temporal: PaymentsApiStack['temporal'];
let app: PaymentsApiStack['app'];
let stack: PaymentsApiStack;

beforeAll(async () => {
  stack = await startPaymentsApiStack('disputes');
  ({ testDb, temporal, app } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const capturedBooking = () => capturedBookingIn(testDb);

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
