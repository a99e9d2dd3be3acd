import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { transactionKindsOf } from '@kvartirnsk/activities/payments/ledger';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import {
  startStripeFaultProxy,
  type StripeFaultProxy,
} from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import { loadConfig } from '@kvartirnsk/lib/config';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createNotificationActivities } from '@kvartirnsk/activities/notifications/activities';
import { createLiveEmitter } from '@kvartirnsk/activities/notifications/live';
import { notificationModels, type NotificationModels } from '@kvartirnsk/activities/notifications/models';
import { NOTIFICATIONS_TASK_QUEUE } from '@kvartirnsk/workflows/notifications/contract';
import type { Connection } from 'mongoose';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  BOOKINGS_TASK_QUEUE,
  type BookingState,
  type BookingStatus,
  bookingWorkflowId,
} from '@kvartirnsk/workflows/bookings/contract';
import { PAYMENTS_TASK_QUEUE, paymentWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import { createBookingsApp } from './app';
import { applyListingEvent } from './listing-replica';

// The booking flow end to end on real parts: the bookings API, the Temporal dev server, the booking, payment and
// notification pools, Postgres with the exclusion constraint, the ledger, stripe-mock, FerretDB and Redis.
let bookingsDb: TestDatabase<BookingsDatabase>;
let paymentsDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let workers: { stop(): Promise<void> };
let provider: StripeFaultProxy;
let notificationsMongo: Connection;
let notifications: NotificationModels;
let notificationsRedis: TestRedis;
let app: ReturnType<typeof createBookingsApp>;
/** The same service with a short approval window, for requests that must expire within the test. */
let hastyApp: ReturnType<typeof createBookingsApp>;
const startedWorkflows = new Set<string>();

const suffix = randomUUID().slice(0, 8);
const INSTANT = `instant-${suffix}`;
const REQUEST = `request-${suffix}`;
const HOST: Actor = { userId: `host-${suffix}`, roles: ['guest', 'host'] };
const GUEST: Actor = { userId: `guest-${suffix}`, roles: ['guest'] };
const OTHER_GUEST: Actor = { userId: `other-${suffix}`, roles: ['guest'] };
const ADMIN: Actor = { userId: `admin-${suffix}`, roles: ['admin'] };

function listing(listingId: string, instantBook: boolean) {
  return domainEvent('listings', 'listing.published', {
    listingId,
    hostId: HOST.userId,
    title: 'Двушка у Невского',
    currency: 'RUB',
    nightlyPrice: 450_000,
    weekendPrice: 550_000,
    cleaningFee: 120_000,
    maxGuests: 4,
    minNights: 1,
    maxNights: 28,
    instantBook,
  });
}

beforeAll(async () => {
  [bookingsDb, paymentsDb] = await Promise.all([
    createTestDatabase<BookingsDatabase>('bookings_api', bookingsMigrations),
    createTestDatabase<PaymentsDatabase>('payments_api', paymentsMigrations),
  ]);
  await applyListingEvent(bookingsDb.db, listing(INSTANT, true));
  await applyListingEvent(bookingsDb.db, listing(REQUEST, false));
  temporal = await connectTestClient();
  notificationsMongo = await connectMongo(
    process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
    `test_booking_notifications_${randomUUID().slice(0, 8)}`,
  );
  notifications = notificationModels(notificationsMongo);
  notificationsRedis = createTestRedis('booking-notifications');
  const stripeConfig = loadConfig(stripeConfigShape);
  provider = await startStripeFaultProxy(stripeConfig.STRIPE_API_BASE);
  const [bookingWorkflows, paymentWorkflows] = await Promise.all([
    bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
    bundleWorkflows('@kvartirnsk/workflows/payments/index'),
  ]);
  workers = await startTestWorkers([
    {
      taskQueue: BOOKINGS_TASK_QUEUE,
      workflowBundle: bookingWorkflows,
      activities: createBookingActivities({
        db: bookingsDb.db,
        fees: { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 },
      }),
    },
    {
      taskQueue: PAYMENTS_TASK_QUEUE,
      workflowBundle: paymentWorkflows,
      activities: createPaymentActivities({
        stripe: createStripe({ ...stripeConfig, STRIPE_API_BASE: provider.url }),
        db: paymentsDb.db,
      }),
    },
    {
      taskQueue: NOTIFICATIONS_TASK_QUEUE,
      activities: createNotificationActivities({
        models: notifications,
        emitter: createLiveEmitter(notificationsRedis.redis),
        webBaseUrl: 'http://localhost:3000',
      }),
    },
  ]);
  const logger = createLogger('test', 'silent');
  app = createBookingsApp({ db: bookingsDb.db, temporal, logger, terms: { approvalWindow: '1 hour' } });
  hastyApp = createBookingsApp({
    db: bookingsDb.db,
    temporal,
    logger,
    terms: { approvalWindow: '3 seconds' },
  });
}, 120_000);

afterAll(async () => {
  // Confirmed bookings sleep until check-out, held cards wait days for capture: end them all.
  await Promise.all(
    [...startedWorkflows].map((id) =>
      temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await workers?.stop();
  await provider?.close();
  await temporal?.connection.close();
  await bookingsDb?.drop();
  await paymentsDb?.drop();
  await notificationsMongo?.dropDatabase();
  await notificationsMongo?.close();
  await notificationsRedis?.drop();
});

let nextDay = 10;
/** Dates no other test uses, so tests never collide on the calendar unless they mean to. */
function freshDates(nights = 2) {
  const checkIn = nextDay;
  nextDay += nights + 1;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return { checkIn: day(checkIn), checkOut: day(checkIn + nights) };
}

function bookingBody(overrides: Record<string, unknown> = {}) {
  return { bookingId: randomUUID(), listingId: INSTANT, guests: 2, ...freshDates(), ...overrides };
}

async function createBooking(body: Record<string, unknown>, actor: Actor = GUEST, service = app) {
  const res = await request(service).post('/bookings').set(identityHeaders(actor)).send(body);
  if (typeof body.bookingId === 'string') {
    startedWorkflows.add(bookingWorkflowId(body.bookingId));
    startedWorkflows.add(paymentWorkflowId(body.bookingId));
  }
  return res;
}

const get = (bookingId: string, actor: Actor = GUEST) =>
  request(app).get(`/bookings/${bookingId}`).set(identityHeaders(actor));

const act = (bookingId: string, action: string, actor: Actor, body: object = {}) =>
  request(app).post(`/bookings/${bookingId}/${action}`).set(identityHeaders(actor)).send(body);

function statusReaches(
  bookingId: string,
  statuses: BookingStatus[],
  actor: Actor = GUEST,
): Promise<BookingState> {
  return eventually(
    async () => (await get(bookingId, actor)).body as BookingState,
    (state) => statuses.includes(state.status),
  );
}

const ledgerKinds = (bookingId: string) => transactionKindsOf(paymentsDb.db, bookingId);

describe('Instant Book', () => {
  it('answers at once with the price breakdown, then confirms: row, card hold and capture in the ledger', async () => {
    const body = bookingBody();

    const res = await createBooking(body);

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/bookings/${body.bookingId}`);
    expect(res.body).toMatchObject({ bookingId: body.bookingId, guestId: GUEST.userId, listingId: INSTANT });
    expect(['held', 'authorized', 'confirmed']).toContain(res.body.status);
    expect(res.body.quote.lines.map((l: { kind: string }) => l.kind)).toEqual([
      'night',
      'night',
      'cleaning_fee',
      'service_fee',
    ]);
    const state = await statusReaches(body.bookingId, ['confirmed', 'failed']);
    expect(state.status).toBe('confirmed');
    expect(state.paymentIntentId).toMatch(/^pi_/);
    const row = await bookingsDb.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', body.bookingId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'confirmed',
      guest_id: GUEST.userId,
      host_id: HOST.userId,
      check_in: body.checkIn,
      payment_intent_id: state.paymentIntentId,
      total_kopecks: state.quote?.total.amount,
    });
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'capture']);
    expect(provider.effective(new RegExp(`/${state.paymentIntentId}/capture$`))).toHaveLength(1);
  });

  it('a declined card ends the booking, frees the dates and moves no money', async () => {
    const body = bookingBody({ paymentMethod: 'pm_card_chargeDeclined' });

    await createBooking(body);
    const state = await statusReaches(body.bookingId, ['failed', 'confirmed']);

    expect(state.status).toBe('failed');
    expect(state.failure?.type).toBe('PaymentDeclined');
    expect(await ledgerKinds(body.bookingId)).toEqual([]);
    const retry = bookingBody({ checkIn: body.checkIn, checkOut: body.checkOut });
    expect((await createBooking(retry)).status).toBe(201);
    expect((await statusReaches(retry.bookingId, ['confirmed', 'failed'])).status).toBe('confirmed');
  });

  it('rides out a provider outage: retried calls, one capture, one ledger entry each', async () => {
    // A request to book, so the payment intent is known before the capture that the outage hits.
    const body = bookingBody({ listingId: REQUEST });
    await createBooking(body);
    const held = await statusReaches(body.bookingId, ['awaiting_approval']);
    provider.inject(
      { kind: 'status', status: 503 },
      { path: new RegExp(`/${held.paymentIntentId}/capture$`), times: 3 },
    );

    await act(body.bookingId, 'approve', HOST);
    const state = await statusReaches(body.bookingId, ['confirmed', 'failed']);

    expect(state.status).toBe('confirmed');
    const captures = provider.calls.filter((c) => c.path.endsWith(`/${state.paymentIntentId}/capture`));
    expect(captures.filter((c) => c.faulted)).toHaveLength(3);
    expect(provider.effective(new RegExp(`/${state.paymentIntentId}/capture$`))).toHaveLength(1);
    expect(new Set(captures.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'capture']);
  });

  it('treats a repeated request with the same booking id as the same booking', async () => {
    const body = bookingBody();
    const first = await createBooking(body);
    const runId = (await temporal.workflow.getHandle(bookingWorkflowId(body.bookingId)).describe()).runId;

    const again = await createBooking(body);
    await statusReaches(body.bookingId, ['confirmed']);
    const afterConfirmed = await createBooking(body);

    expect([first.status, again.status, afterConfirmed.status]).toEqual([201, 201, 201]);
    expect(afterConfirmed.body.status).toBe('confirmed');
    expect((await temporal.workflow.getHandle(bookingWorkflowId(body.bookingId)).describe()).runId).toBe(
      runId,
    );
    const rows = await bookingsDb.db
      .selectFrom('bookings')
      .select('id')
      .where('id', '=', body.bookingId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'capture']);
  });

  it('answers taken dates with 409 and takes no money', async () => {
    const dates = freshDates(3);
    const first = bookingBody(dates);
    await createBooking(first);
    await statusReaches(first.bookingId, ['confirmed']);

    const overlapping = bookingBody(dates);
    const res = await createBooking(overlapping, OTHER_GUEST);

    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/dates-unavailable$/);
    expect(await ledgerKinds(overlapping.bookingId as string)).toEqual([]);
  });

  it('lets exactly one of 50 concurrent requests for overlapping dates through', async () => {
    const dates = freshDates(4);
    const bodies = Array.from({ length: 50 }, () => bookingBody(dates));

    const guests = bodies.map((_, i) => (i % 2 ? GUEST : OTHER_GUEST));

    const responses = await Promise.all(bodies.map((body, i) => createBooking(body, guests[i])));

    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(49);
    const winnerIndex = responses.findIndex((r) => r.status === 201);
    const winner = bodies[winnerIndex]!;
    expect((await statusReaches(winner.bookingId, ['confirmed', 'failed'], guests[winnerIndex])).status).toBe(
      'confirmed',
    );
    const active = await bookingsDb.db
      .selectFrom('bookings')
      .select('id')
      .where('listing_id', '=', INSTANT)
      .where('check_in', '=', dates.checkIn)
      .where('status', 'in', ['held', 'awaiting_approval', 'confirmed'])
      .execute();
    expect(active.map((r) => r.id)).toEqual([winner.bookingId]);
    const authorizations = await paymentsDb.db
      .selectFrom('ledger_transactions')
      .select('booking_id')
      .where(
        'booking_id',
        'in',
        bodies.map((b) => b.bookingId),
      )
      .where('kind', '=', 'authorization')
      .execute();
    expect(authorizations.map((a) => a.booking_id)).toEqual([winner.bookingId]);
  });
});

describe('Request to Book', () => {
  async function awaitingRequest(service = app) {
    const body = bookingBody({ listingId: REQUEST });
    expect((await createBooking(body, GUEST, service)).status).toBe(201);
    const state = await statusReaches(body.bookingId, ['awaiting_approval']);
    return { body, state };
  }

  it('waits for the host with a visible deadline, then captures when the host approves', async () => {
    const { body, state } = await awaitingRequest();
    expect(Date.parse(state.approvalDeadline!)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization']);

    const byGuest = await act(body.bookingId, 'approve', GUEST);
    const byStranger = await act(body.bookingId, 'approve', OTHER_GUEST);
    const byHost = await act(body.bookingId, 'approve', HOST);

    expect(byGuest.status).toBe(403);
    expect(byStranger.status).toBe(404);
    expect(byHost.status).toBe(200);
    expect(byHost.body.status).toBe('confirmed');
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'capture']);
  });

  it('a decline voids the card hold and frees the dates', async () => {
    const { body } = await awaitingRequest();

    const res = await act(body.bookingId, 'decline', HOST, { reason: 'Ремонт' });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'declined', failure: { type: 'Declined', message: 'Ремонт' } });
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'void']);
    const again = await createBooking(
      bookingBody({ listingId: REQUEST, checkIn: body.checkIn, checkOut: body.checkOut }),
    );
    expect(again.status).toBe(201);
  });

  it('expires when the host does not answer in time; approving afterwards is a 409', async () => {
    const { body } = await awaitingRequest(hastyApp);

    const state = await statusReaches(body.bookingId, ['expired']);
    const late = await act(body.bookingId, 'approve', HOST);

    expect(state.failure?.type).toBe('Expired');
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/wrong-status$/);
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'void']);
  });

  it('the guest can cancel before capture; the hold is voided', async () => {
    const { body } = await awaitingRequest();

    const res = await act(body.bookingId, 'cancel', GUEST, { reason: 'Планы изменились' });

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'void']);
  });

  it('an admin can answer for the host', async () => {
    const { body } = await awaitingRequest();

    const res = await act(body.bookingId, 'decline', ADMIN, { reason: 'Listing under review' });

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('declined');
  });
});

describe('cancelling a confirmed booking', () => {
  it('refunds by the listing policy and records the refund in the ledger once', async () => {
    const body = bookingBody();
    await createBooking(body);
    await statusReaches(body.bookingId, ['confirmed']);

    const res = await act(body.bookingId, 'cancel', GUEST, { reason: 'Планы изменились' });
    const again = await act(body.bookingId, 'cancel', GUEST);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    // Moderate (the replica's default), more than 5 days before check-in: everything back.
    expect(res.body.refund.total).toEqual(res.body.quote.total);
    expect(again.status).toBe(409);
    // The cancellation is answered once the dates are free; the refund settles with the provider afterwards.
    await eventually(
      async () => (await get(body.bookingId)).body as BookingState,
      (state) => state.refund?.settled === true,
    );
    expect(await ledgerKinds(body.bookingId)).toEqual(['authorization', 'capture', 'refund']);
    expect(
      provider.effective(/^\/v1\/refunds$/).filter((call) => call.idempotencyKey?.includes(body.bookingId)),
    ).toHaveLength(1);
    const row = await bookingsDb.db
      .selectFrom('bookings')
      .select('status')
      .where('id', '=', body.bookingId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('cancelled');
    // The guest hears of both, through the notification pool.
    const told = await eventually(
      () =>
        notifications.Notification.find({ userId: GUEST.userId, 'data.bookingId': body.bookingId })
          .lean()
          .then((found) => found.map((notification) => notification.kind).sort()),
      (kinds) => kinds.length === 3,
    );
    expect(told).toEqual(['booking_cancelled', 'booking_confirmed', 'refund_issued']);
  });
});

describe('reading bookings', () => {
  it('lists a guest’s and a host’s bookings, newest first, page by page', async () => {
    const guest: Actor = { userId: `lister-${suffix}`, roles: ['guest'] };
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const body = bookingBody();
      ids.push(body.bookingId);
      await createBooking(body, guest);
      await statusReaches(body.bookingId, ['confirmed'], guest);
    }

    const first = await request(app).get('/bookings?limit=2').set(identityHeaders(guest));
    const second = await request(app)
      .get(`/bookings?limit=2&cursor=${first.body.nextCursor}`)
      .set(identityHeaders(guest));
    const asHost = await request(app)
      .get('/bookings?as=host&status=confirmed&limit=100')
      .set(identityHeaders(HOST));

    expect(first.status).toBe(200);
    expect(
      [...first.body.items, ...second.body.items].map((b: { bookingId: string }) => b.bookingId),
    ).toEqual([...ids].reverse());
    expect(second.body.nextCursor).toBeUndefined();
    expect(asHost.body.items.map((b: { bookingId: string }) => b.bookingId)).toEqual(
      expect.arrayContaining(ids),
    );
  });

  it('lists the bookings of one listing, for its host’s calendar and for a guest', async () => {
    const guest: Actor = { userId: `calendar-${suffix}`, roles: ['guest'] };
    const instant = bookingBody();
    const requested = bookingBody({ listingId: REQUEST });
    await createBooking(instant, guest);
    await createBooking(requested, guest);
    await statusReaches(instant.bookingId, ['confirmed'], guest);
    await statusReaches(requested.bookingId, ['awaiting_approval'], guest);
    const listed = async (actor: Actor, query: string) => {
      const res = await request(app).get(`/bookings?${query}`).set(identityHeaders(actor));
      expect(res.status).toBe(200);
      return res.body.items as Array<{ bookingId: string; listingId: string }>;
    };

    const hostInstant = await listed(HOST, `as=host&listingId=${INSTANT}&limit=100`);
    const hostRequest = await listed(HOST, `as=host&listingId=${REQUEST}&limit=100`);
    const guestRequest = await listed(guest, `listingId=${REQUEST}`);

    expect(hostInstant.every((b) => b.listingId === INSTANT)).toBe(true);
    expect(hostInstant.map((b) => b.bookingId)).toContain(instant.bookingId);
    expect(hostRequest.every((b) => b.listingId === REQUEST)).toBe(true);
    expect(hostRequest.map((b) => b.bookingId)).toContain(requested.bookingId);
    expect(guestRequest.map((b) => b.bookingId)).toEqual([requested.bookingId]);
  });

  it('hides a booking from anyone who is not its guest, host or an admin', async () => {
    const body = bookingBody();
    await createBooking(body);

    expect((await get(body.bookingId, OTHER_GUEST)).status).toBe(404);
    expect((await get(body.bookingId, HOST)).status).toBe(200);
    expect((await get(body.bookingId, ADMIN)).status).toBe(200);
  });

  it('answers 404 for a booking that does not exist and 401 without a user', async () => {
    expect((await get(randomUUID())).status).toBe(404);
    expect((await request(app).get(`/bookings/${randomUUID()}`)).status).toBe(401);
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
  ])('%s', async (_case, mutate, fields) => {
    const res = await createBooking(mutate(bookingBody()));

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
  });

  it('the host booking their own flat', async () => {
    const res = await createBooking(bookingBody(), HOST);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['guestId']);
  });

  it('a body that is not JSON', async () => {
    const res = await request(app)
      .post('/bookings')
      .set(identityHeaders(GUEST))
      .set('content-type', 'application/json')
      .send('{"bookingId":');
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/malformed-body$/);
  });

  it('a malformed booking id in the path, and a bad page cursor', async () => {
    const badId = await get('42');
    const badCursor = await request(app).get('/bookings?cursor=nonsense').set(identityHeaders(GUEST));
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0].field).toBe('id');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors[0].field).toBe('cursor');
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
  ])('a listing filter that is %s', async (_case, listingId) => {
    const res = await request(app).get(`/bookings?as=host&listingId=${listingId}`).set(identityHeaders(HOST));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['listingId']);
  });
});
