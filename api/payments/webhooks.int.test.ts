import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { connectTestClient } from '@kvartirnsk/temporal/testing';
import { bookingWorkflowId, BOOKINGS_TASK_QUEUE } from '@kvartirnsk/workflows/bookings/contract';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import { createPaymentsApp } from './app';

// Stripe's own library signs the test payloads (generateTestHeaderString) and verifies them in the service.
const SECRET = 'whsec_test_secret';
const stripe = createStripe(loadConfig(stripeConfigShape));
let testDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let app: ReturnType<typeof createPaymentsApp>;
const bookingId = randomUUID();

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_webhooks', paymentsMigrations);
  temporal = await connectTestClient();
  // No worker runs it: a started workflow records signals in its history all the same.
  await temporal.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(bookingId),
    taskQueue: `${BOOKINGS_TASK_QUEUE}-webhook-test`,
    args: [
      { bookingId, listingId: 'l', guestId: 'g', checkIn: '2030-01-01', checkOut: '2030-01-02', guests: 1 },
      { approvalWindow: '1 hour' },
    ],
  });
  app = createPaymentsApp({
    db: testDb.db,
    temporal,
    stripe,
    webhookSecret: SECRET,
    logger: createLogger('test', 'silent'),
  });
});

afterAll(async () => {
  await temporal?.workflow
    .getHandle(bookingWorkflowId(bookingId))
    .terminate('test finished')
    .catch(() => undefined);
  await temporal?.connection.close();
  await testDb?.drop();
});

function refundEvent(forBooking: string) {
  return JSON.stringify({
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    object: 'event',
    type: 'charge.refunded',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: 'ch_1',
        object: 'charge',
        amount: 700_000,
        amount_refunded: 100_000,
        currency: 'rub',
        metadata: { bookingId: forBooking },
      },
    },
  });
}

function send(
  payload: string,
  header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
) {
  return request(app)
    .post('/payments/webhooks/stripe')
    .set('content-type', 'application/json')
    .set('stripe-signature', header)
    .send(payload);
}

async function signalsReceived(): Promise<string[]> {
  const history = await temporal.workflow.getHandle(bookingWorkflowId(bookingId)).fetchHistory();
  return (history.events ?? []).flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []);
}

it('passes a signed provider event to the booking’s workflow once, however often it is delivered', async () => {
  const payload = refundEvent(bookingId);

  const first = await send(payload);
  const redelivered = await send(payload);

  expect(first.status).toBe(200);
  expect(first.body).toEqual({ received: true, delivered: true });
  expect(redelivered.body).toEqual({ received: true, duplicate: true });
  expect(await signalsReceived()).toEqual(['providerEvent']);
  const stored = await testDb.db.selectFrom('webhook_events').selectAll().execute();
  expect(stored.map((row) => [row.type, row.booking_id, row.delivered])).toEqual([
    ['charge.refunded', bookingId, true],
  ]);
});

it('keeps an event for a booking whose flow is gone, undelivered, for reconciliation', async () => {
  const res = await send(refundEvent(randomUUID()));

  expect(res.body).toEqual({ received: true, delivered: false });
});

it.each([
  [
    'a wrong secret',
    (payload: string) => stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }),
  ],
  [
    'a stale timestamp',
    (payload: string) =>
      stripe.webhooks.generateTestHeaderString({
        payload,
        secret: SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 600,
      }),
  ],
  [
    'a tampered payload',
    (payload: string) => stripe.webhooks.generateTestHeaderString({ payload: payload + ' ', secret: SECRET }),
  ],
  ['garbage', () => 'not-a-signature'],
])('refuses %s with a 400 problem naming the signature header', async (_case, sign) => {
  const payload = refundEvent(bookingId);

  const res = await send(payload, sign(payload));

  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors[0].field).toBe('Stripe-Signature');
});

it('refuses a request without a signature', async () => {
  const res = await request(app).post('/payments/webhooks/stripe').send({ id: 'evt_1' });
  expect(res.status).toBe(400);
  expect(res.body.type).toMatch(/invalid-signature$/);
});

it('shows ledger balances and a booking’s money trail to finance only', async () => {
  const finance = identityHeaders({ userId: 'f-1', roles: ['finance'] });
  const guest = identityHeaders({ userId: 'g-1', roles: ['guest'] });

  const balances = await request(app).get('/payments/ledger/balances').set(finance);
  const trail = await request(app).get(`/payments/bookings/${bookingId}/trail`).set(finance);
  const denied = await request(app).get('/payments/ledger/balances').set(guest);

  expect(balances.status).toBe(200);
  expect(balances.body.balances).toEqual([]);
  expect(trail.body.providerEvents.map((e: { type: string }) => e.type)).toEqual(['charge.refunded']);
  expect(denied.status).toBe(403);
});
