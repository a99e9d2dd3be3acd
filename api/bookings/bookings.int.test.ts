import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { domainEvent } from '@kvartirnsk/lib/events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  BOOKINGS_TASK_QUEUE,
  bookingWorkflowId,
  type BookingState,
} from '@kvartirnsk/workflows/bookings/contract';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import { createBookingsApp } from './app';
import { applyListingEvent } from './listing-replica';

// The first flow end to end on real parts: the bookings API, the Temporal dev server, both worker pools,
// Postgres with the exclusion constraint, and stripe-mock.
let testDb: TestDatabase<BookingsDatabase>;
let temporal: Client;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof createBookingsApp>;
const startedWorkflows: string[] = [];
const LISTING_ID = `flat-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  testDb = await createTestDatabase<BookingsDatabase>('bookings_api', bookingsMigrations);
  await applyListingEvent(
    testDb.db,
    domainEvent('listings', 'listing.published', {
      listingId: LISTING_ID,
      hostId: 'host-1',
      title: 'Двушка у Невского',
      currency: 'RUB',
      nightlyPrice: 450_000,
      weekendPrice: 550_000,
      cleaningFee: 120_000,
      maxGuests: 4,
      minNights: 1,
      maxNights: 28,
      instantBook: true,
    }),
  );
  temporal = await connectTestClient();
  workers = await startTestWorkers([
    {
      taskQueue: BOOKINGS_TASK_QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
      activities: createBookingActivities({ db: testDb.db, guestServiceFeeBasisPoints: 1200 }),
    },
    {
      taskQueue: PAYMENTS_TASK_QUEUE,
      activities: createPaymentActivities({ stripe: createStripe(loadConfig(stripeConfigShape)) }),
    },
  ]);
  app = createBookingsApp({ db: testDb.db, temporal, logger: createLogger('test', 'silent') });
}, 120_000);

afterAll(async () => {
  // Confirmed bookings sleep until check-out; end them so the shared dev server stays clean.
  await Promise.all(
    startedWorkflows.map((id) =>
      temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await workers?.stop();
  await temporal?.connection.close();
  await testDb?.drop();
});

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

function bookingBody(overrides: Record<string, unknown> = {}) {
  return {
    bookingId: randomUUID(),
    listingId: LISTING_ID,
    guestId: 'guest-1',
    checkIn: daysFromNow(10),
    checkOut: daysFromNow(13),
    guests: 2,
    ...overrides,
  };
}

async function createBooking(body: Record<string, unknown>) {
  const res = await request(app).post('/bookings').send(body);
  if (res.status === 202) startedWorkflows.push(res.body.workflowId);
  return res;
}

async function settledState(bookingId: string): Promise<BookingState> {
  return eventually(
    async () => (await request(app).get(`/bookings/${bookingId}`)).body as BookingState,
    (state) => state.status === 'confirmed' || state.status === 'failed',
  );
}

describe('POST /bookings', () => {
  it('runs the booking to confirmed: row written, payment authorized and captured', async () => {
    const body = bookingBody();

    const res = await createBooking(body);

    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/bookings/${body.bookingId}`);
    expect(res.body).toEqual({ bookingId: body.bookingId, workflowId: bookingWorkflowId(body.bookingId) });
    const state = await settledState(body.bookingId);
    expect(state.status).toBe('confirmed');
    expect(state.history.map((s) => s.status)).toEqual(['requested', 'held', 'authorized', 'confirmed']);
    expect(state.paymentIntentId).toMatch(/^pi_/);
    const row = await testDb.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', body.bookingId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'confirmed',
      listing_id: LISTING_ID,
      host_id: 'host-1',
      check_in: body.checkIn,
      check_out: body.checkOut,
      payment_intent_id: state.paymentIntentId,
      total_kopecks: state.quote?.total.amount,
    });
    const outbox = await testDb.db.selectFrom('outbox').select('type').execute();
    expect(outbox.map((e) => e.type)).toContain('booking.confirmed');
  });

  it('treats a repeated request with the same booking id as the same booking', async () => {
    const body = bookingBody({ checkIn: daysFromNow(20), checkOut: daysFromNow(22) });
    const first = await createBooking(body);
    const firstRun = (await temporal.workflow.getHandle(first.body.workflowId).describe()).runId;

    const again = await createBooking(body);
    await settledState(body.bookingId);
    const afterSettled = await createBooking(body);

    expect([again.status, afterSettled.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect((await temporal.workflow.getHandle(first.body.workflowId).describe()).runId).toBe(firstRun);
    const runs = await eventually(
      async () => {
        const found = [];
        for await (const wf of temporal.workflow.list({ query: `WorkflowId = '${first.body.workflowId}'` }))
          found.push(wf);
        return found;
      },
      (found) => found.length > 0,
    );
    expect(runs).toHaveLength(1);
    const rows = await testDb.db
      .selectFrom('bookings')
      .select('id')
      .where('id', '=', body.bookingId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('fails a second booking of taken dates and explains why', async () => {
    const first = bookingBody({ checkIn: daysFromNow(30), checkOut: daysFromNow(33) });
    await createBooking(first);
    expect((await settledState(first.bookingId)).status).toBe('confirmed');

    const overlapping = bookingBody({
      guestId: 'guest-2',
      checkIn: daysFromNow(32),
      checkOut: daysFromNow(35),
    });
    await createBooking(overlapping);
    const state = await settledState(overlapping.bookingId);

    expect(state.status).toBe('failed');
    expect(state.failure?.type).toBe('DatesUnavailable');
    const rows = await testDb.db
      .selectFrom('bookings')
      .select('id')
      .where('id', '=', overlapping.bookingId)
      .execute();
    expect(rows).toHaveLength(0);
  });
});

describe('bad input gets a 400 problem naming the field', () => {
  it.each([
    ['a missing field', (b: Record<string, unknown>) => ({ ...b, checkIn: undefined }), ['checkIn']],
    ['a wrong type', (b: Record<string, unknown>) => ({ ...b, guests: 'two' }), ['guests']],
    ['a malformed id', (b: Record<string, unknown>) => ({ ...b, bookingId: 'not-a-uuid' }), ['bookingId']],
    [
      'reversed dates',
      (b: Record<string, unknown>) => ({ ...b, checkIn: b.checkOut, checkOut: b.checkIn }),
      ['checkOut'],
    ],
    [
      'a date in the past',
      (b: Record<string, unknown>) => ({ ...b, checkIn: '2020-01-01', checkOut: '2020-01-03' }),
      ['checkIn'],
    ],
    ['an unknown field', (b: Record<string, unknown>) => ({ ...b, price: 1 }), ['price']],
    [
      'an unknown listing',
      (b: Record<string, unknown>) => ({ ...b, listingId: 'no-such-flat' }),
      ['listingId'],
    ],
    ['too many guests for the listing', (b: Record<string, unknown>) => ({ ...b, guests: 5 }), ['guests']],
    [
      'the host booking their own flat',
      (b: Record<string, unknown>) => ({ ...b, guestId: 'host-1' }),
      ['guestId'],
    ],
  ])('%s', async (_case, mutate, fields) => {
    const res = await createBooking(mutate(bookingBody()));

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it('a body that is not JSON', async () => {
    const res = await request(app)
      .post('/bookings')
      .set('content-type', 'application/json')
      .send('{"bookingId":');
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/malformed-body$/);
  });
});

describe('GET /bookings/:id', () => {
  it('answers 404 for a booking that does not exist', async () => {
    const res = await request(app).get(`/bookings/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 400 naming the id when it is malformed', async () => {
    const res = await request(app).get('/bookings/42');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('id');
  });
});
