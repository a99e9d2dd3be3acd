import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { Counter } from 'prom-client';
import {
  ANALYTICS_CONTRACT_EVENTS,
  bookingApprovedSchema,
  bookingRequestedSchema,
} from '@kvartirnsk/lib/analytics-events';
import { connectEventBus, DOMAIN_EXCHANGE, type DomainEvent, OutboxRelay } from '@kvartirnsk/lib/events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { metricsRegistry } from '@kvartirnsk/lib/metrics';
import { sql } from '@kvartirnsk/lib/postgres';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { BookingFailureType, type BookingRequest } from '@kvartirnsk/workflows/bookings/contract';
import { createBookingActivities, takeListingsTurn } from './activities';
import { bookingsMigrations, type BookingsDatabase } from './schema';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
let testDb: TestDatabase<BookingsDatabase>;
let activities: ReturnType<typeof createBookingActivities>;
const env = new MockActivityEnvironment();
// MockActivityEnvironment.run loses the activity's types; this keeps them.
const run = <Args extends unknown[], Result>(fn: (...args: Args) => Promise<Result>, ...args: Args) =>
  env.run<Args, Result, typeof fn>(fn, ...args);

beforeAll(async () => {
  testDb = await createTestDatabase<BookingsDatabase>('bookings_activities', bookingsMigrations);
  activities = createBookingActivities({
    db: testDb.db,
    fees: { guestServiceFeeBasisPoints: 1000, hostFeeBasisPoints: 300 },
  });
  await testDb.db
    .insertInto('listings')
    .values({
      id: 'flat-1',
      host_id: 'host-1',
      title: 'Flat on Nevsky',
      currency: 'RUB',
      nightly_price_kopecks: 500_000,
      weekend_price_kopecks: null,
      cleaning_fee_kopecks: 100_000,
      max_guests: 3,
      min_nights: 2,
      max_nights: 30,
      instant_book: true,
      time_zone: 'Europe/Moscow',
      check_out_time: '11:00',
      published: true,
    })
    .execute();
});

afterAll(async () => {
  await testDb?.drop();
});

let counter = 0;
function request(checkIn: string, checkOut: string, overrides: Partial<BookingRequest> = {}): BookingRequest {
  counter += 1;
  return {
    bookingId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    listingId: 'flat-1',
    guestId: 'guest-1',
    checkIn,
    checkOut,
    guests: 2,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('quoteStay', () => {
  it('prices the stay and computes check-out in the listing time zone', async () => {
    const quote = await run(activities.quoteStay, request('2030-03-01', '2030-03-03'));
    expect(quote.nights).toBe(2);
    expect(quote.total).toEqual({ amount: (2 * 500_000 + 100_000) * 1.1, currency: 'RUB' });
    expect(quote.hostPayout).toEqual({ amount: (2 * 500_000 + 100_000) * 0.97, currency: 'RUB' });
    expect(quote.instantBook).toBe(true);
    expect(quote.checkOutAt).toBe('2030-03-03T08:00:00.000Z'); // 11:00 in Moscow (UTC+3)
  });

  it.each([
    [{ listingId: 'nope' }, BookingFailureType.LISTING_NOT_FOUND],
    [{ guestId: 'host-1' }, BookingFailureType.INVALID_STAY],
    [{ guests: 4 }, BookingFailureType.INVALID_STAY],
  ])('rejects %j as %s without retrying', async (overrides, type) => {
    const failure = await failureOf(
      run(activities.quoteStay, request('2030-03-01', '2030-03-03', overrides)),
    );
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(true);
  });

  it('rejects stays shorter than the minimum', async () => {
    const failure = await failureOf(run(activities.quoteStay, request('2030-03-01', '2030-03-02')));
    expect(failure.message).toContain('checkOut');
  });
});

describe('holdDates', () => {
  async function hold(r: BookingRequest) {
    const quote = await run(activities.quoteStay, r);
    await run(activities.holdDates, r, quote);
  }

  it('is idempotent for the same booking', async () => {
    const r = request('2030-04-01', '2030-04-05');
    await hold(r);
    await hold(r);
    const rows = await testDb.db.selectFrom('bookings').selectAll().where('id', '=', r.bookingId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'held', check_in: '2030-04-01', check_out: '2030-04-05' });
  });

  it('refuses an overlapping booking through the exclusion constraint', async () => {
    await hold(request('2030-05-01', '2030-05-05'));
    const failure = await failureOf(hold(request('2030-05-04', '2030-05-07', { guestId: 'guest-2' })));
    expect(failure.type).toBe(BookingFailureType.DATES_UNAVAILABLE);
  });

  it('answers 30 holds of the same dates at once with one hold and 29 refusals, never a deadlock', async () => {
    const contenders = Array.from({ length: 30 }, (_, i) =>
      request('2032-02-01', '2032-02-04', { guestId: `guest-${i}` }),
    );
    const quote = await run(activities.quoteStay, contenders[0]!);

    const outcomes = await Promise.allSettled(contenders.map((r) => run(activities.holdDates, r, quote)));

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    // A deadlock between two inserts would surface here as a Postgres error (40P01), not a refusal.
    expect(refusals.map((err) => (err as ApplicationFailure).type)).toEqual(
      Array(29).fill(BookingFailureType.DATES_UNAVAILABLE),
    );
  });

  it("takes turns on the listing's row, so two holds of one listing never insert at the same time", async () => {
    const r = request('2032-03-01', '2032-03-03');
    const quote = await run(activities.quoteStay, r);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let turnTaken!: () => void;
    const otherHasTurn = new Promise<void>((resolve) => (turnTaken = resolve));
    const otherHold = testDb.db.transaction().execute(async (trx) => {
      await takeListingsTurn(trx, 'flat-1');
      turnTaken();
      await released;
    });
    // The other transaction holds the turn before this hold asks for it, or the hold could simply go first.
    await otherHasTurn;

    const holding = run(activities.holdDates, r, quote);

    try {
      await eventually(
        () =>
          sql<{ waiting: number }>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(testDb.db),
        (result) => result.rows[0]!.waiting === 1,
      );
      expect(
        await testDb.db.selectFrom('bookings').select('id').where('id', '=', r.bookingId).execute(),
      ).toEqual([]);
    } finally {
      // Released whatever happened above, so a failure here does not hold up every later hold of the listing.
      release();
      await otherHold;
    }
    await holding;
    expect(
      await testDb.db.selectFrom('bookings').select('id').where('id', '=', r.bookingId).execute(),
    ).toEqual([{ id: r.bookingId }]);
  });

  it('lets a stay start on the morning another ends', async () => {
    await hold(request('2030-06-01', '2030-06-05'));
    await expect(hold(request('2030-06-05', '2030-06-08', { guestId: 'guest-2' }))).resolves.toBeUndefined();
  });

  it('frees the dates once released, and records the release in the outbox', async () => {
    const first = request('2030-07-01', '2030-07-05');
    await hold(first);
    await run(activities.releaseDates, first.bookingId, 'failed', 'card declined');
    await expect(hold(request('2030-07-02', '2030-07-04', { guestId: 'guest-2' }))).resolves.toBeUndefined();
    const events = await testDb.db
      .selectFrom('outbox')
      .select(['type', 'payload'])
      .where('type', '=', 'booking.failed')
      .execute();
    expect(events.map((e) => e.payload.data.bookingId)).toContain(first.bookingId);
  });

  it('keeps the dates held while a request waits for its host', async () => {
    const waiting = request('2030-09-01', '2030-09-04');
    await hold(waiting);
    await run(activities.awaitApproval, waiting.bookingId, '2030-08-02T10:00:00.000Z');
    const row = await testDb.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', waiting.bookingId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('awaiting_approval');
    expect(row.approval_deadline?.toISOString()).toBe('2030-08-02T10:00:00.000Z');
    const failure = await failureOf(hold(request('2030-09-03', '2030-09-05', { guestId: 'guest-2' })));
    expect(failure.type).toBe(BookingFailureType.DATES_UNAVAILABLE);
  });

  it('confirms once and emits booking.confirmed once', async () => {
    const r = request('2030-08-01', '2030-08-04');
    await hold(r);
    await run(activities.confirmBooking, r.bookingId, 'pi_123');
    await run(activities.confirmBooking, r.bookingId, 'pi_123');
    const row = await testDb.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', r.bookingId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'confirmed', payment_intent_id: 'pi_123' });
    const confirmations = await testDb.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'booking.confirmed')
      .execute();
    expect(confirmations.filter((e) => e.payload.data.bookingId === r.bookingId)).toHaveLength(1);
  });
});

/** The booking outcomes counted so far in this process, by outcome. */
async function outcomesCounted(): Promise<Record<string, number>> {
  const counter = metricsRegistry.getSingleMetric('kvartirnsk_bookings_total') as Counter;
  const { values } = await counter.get();
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels.outcome), value]));
}

async function outboxEventsOf(bookingId: string) {
  const rows = await testDb.db.selectFrom('outbox').select('payload').orderBy('created_at').execute();
  return rows.map((row) => row.payload).filter((event) => event.data.bookingId === bookingId);
}

describe('business metrics', () => {
  async function hold(r: BookingRequest) {
    await run(activities.holdDates, r, await run(activities.quoteStay, r));
  }

  it('counts each outcome once, however often the activity that reaches it runs', async () => {
    const confirmedThenCompleted = request('2031-01-01', '2031-01-04');
    const declined = request('2031-02-01', '2031-02-04');
    await hold(confirmedThenCompleted);
    await hold(declined);
    const before = await outcomesCounted();

    for (let attempt = 0; attempt < 2; attempt += 1) {
      await run(activities.confirmBooking, confirmedThenCompleted.bookingId, 'pi_metrics');
      await run(activities.completeStay, confirmedThenCompleted.bookingId);
      await run(activities.releaseDates, declined.bookingId, 'declined', 'host said no');
    }

    const after = await outcomesCounted();
    const counted = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
    expect({
      confirmed: counted('confirmed'),
      completed: counted('completed'),
      declined: counted('declined'),
    }).toEqual({ confirmed: 1, completed: 1, declined: 1 });
  });
});

describe('funnel events for analytics', () => {
  it('reports the request once per hold, with the held dates and how the listing books', async () => {
    const r = request('2031-03-01', '2031-03-04');
    const quote = await run(activities.quoteStay, r);
    await run(activities.holdDates, r, quote);
    await run(activities.holdDates, r, quote);

    const events = await outboxEventsOf(r.bookingId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'booking.requested', version: 1, source: 'bookings' });
    expect(events[0]!.data).toEqual({
      bookingId: r.bookingId,
      listingId: 'flat-1',
      hostId: 'host-1',
      checkIn: '2031-03-01',
      checkOut: '2031-03-04',
      instantBook: true,
    });
  });

  it('reports a request to book as approved when it is confirmed, an Instant Book only as confirmed', async () => {
    const askedHost = request('2031-04-01', '2031-04-04');
    const instant = request('2031-04-10', '2031-04-13');
    const quote = await run(activities.quoteStay, askedHost);
    await run(activities.holdDates, askedHost, { ...quote, instantBook: false });
    await run(activities.awaitApproval, askedHost.bookingId, '2031-03-02T10:00:00.000Z');
    await run(activities.holdDates, instant, await run(activities.quoteStay, instant));

    for (const r of [askedHost, instant]) {
      await run(activities.confirmBooking, r.bookingId, 'pi_funnel');
      await run(activities.confirmBooking, r.bookingId, 'pi_funnel');
    }

    // Events of one transaction share their created_at, so their order in the outbox is not asserted.
    const typesOf = async (bookingId: string) =>
      (await outboxEventsOf(bookingId)).map((event) => event.type).sort();
    expect(await typesOf(askedHost.bookingId)).toEqual([
      'booking.approved',
      'booking.confirmed',
      'booking.requested',
    ]);
    expect(await typesOf(instant.bookingId)).toEqual(['booking.confirmed', 'booking.requested']);
    const askedHostEvents = await outboxEventsOf(askedHost.bookingId);
    expect(askedHostEvents.find((event) => event.type === 'booking.requested')?.data.instantBook).toBe(false);
    expect(askedHostEvents.find((event) => event.type === 'booking.approved')?.data).toEqual({
      bookingId: askedHost.bookingId,
      listingId: 'flat-1',
    });
  });

  it('relays booking.requested and booking.approved to a queue bound to them, as they were recorded', async () => {
    const r = request('2031-05-01', '2031-05-04');
    const quote = await run(activities.quoteStay, r);
    await run(activities.holdDates, r, { ...quote, instantBook: false });
    await run(activities.awaitApproval, r.bookingId, '2031-04-02T10:00:00.000Z');
    await run(activities.confirmBooking, r.bookingId, 'pi_relayed');

    const bus = await connectEventBus(RABBITMQ_URL);
    const channel = await bus.connection.createChannel();
    try {
      const queue = `test.bookings-funnel.${randomUUID()}`;
      await channel.assertQueue(queue, { exclusive: true, autoDelete: true });
      for (const type of [
        ANALYTICS_CONTRACT_EVENTS.bookingRequested,
        ANALYTICS_CONTRACT_EVENTS.bookingApproved,
      ])
        await channel.bindQueue(queue, DOMAIN_EXCHANGE, type);
      const received: DomainEvent[] = [];
      await channel.consume(
        queue,
        (message) => {
          if (message) received.push(JSON.parse(message.content.toString('utf8')) as DomainEvent);
        },
        { noAck: true },
      );

      await new OutboxRelay({
        db: testDb.db,
        bus,
        logger: createLogger('bookings-test', 'silent'),
      }).publishPending();

      const mine = await eventually(
        async () => received.filter((event) => event.data.bookingId === r.bookingId),
        (events) => events.length >= 2,
      );
      expect(mine).toEqual(
        (await outboxEventsOf(r.bookingId)).filter((event) => event.type !== 'booking.confirmed'),
      );
      expect(bookingRequestedSchema.parse(mine[0]!.data)).toEqual(mine[0]!.data);
      expect(bookingApprovedSchema.parse(mine[1]!.data)).toEqual(mine[1]!.data);
    } finally {
      await channel.close();
      await bus.close();
    }
  });
});
