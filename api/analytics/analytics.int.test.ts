import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { z } from 'zod';
import {
  connectEventBus,
  type DomainEvent,
  domainEvent,
  type EventBus,
  publishEvent,
  type Subscription,
} from '@kvartirnsk/lib/events';
import { identityHeaders, type Role } from '@kvartirnsk/lib/identity';
import { publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { createAnalyticsApp } from './app';
import { ANALYTICS_EVENTS } from './contracts';
import {
  funnelSchema,
  hostResponseSchema,
  listingViewsSchema,
  moderationSchema,
  occupancySchema,
  revenueSchema,
  searchesSchema,
} from './openapi';
import { consumeAnalyticsEvents } from './projection';
import { type AnalyticsDatabase, analyticsMigrations } from './schema';

// Real Postgres and RabbitMQ from the local stack. Hand-made events go through the shared exchange to this
// file's own queue; they happen in 2011, so events other tests publish (dated now) cannot fall in the ranges
// asserted, and cities and listings carry this run's tag.
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = createLogger('analytics-test', 'silent');
const queue = `test.analytics.${randomUUID()}`;
const tag = randomBytes(3).toString('hex');
const KAZAN = `Казань ${tag}`;
const SOCHI = `Сочи ${tag}`;
const [L1, L2, L3] = [1, 2, 3].map((n) => `listing-${tag}-${n}`) as [string, string, string];
const rates = { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 };

let testDb: TestDatabase<AnalyticsDatabase>;
let bus: EventBus;
let consumer: Subscription;
let app: ReturnType<typeof createAnalyticsApp>;

const at = (type: string, occurredAt: string, data: object): DomainEvent =>
  domainEvent('analytics-tests', type, { ...data }, 1, new Date(occurredAt));

const listing = (listingId: string, revision: number, city: string) =>
  publishedListingSchema.parse({
    listingId,
    hostId: `host-of-${listingId}`,
    revision,
    type: 'flat',
    title: 'Квартира',
    city,
    location: { lat: 55.79, lon: 49.12 },
    maxGuests: 2,
    currency: 'RUB',
    nightlyPrice: 500_000,
    publishedAt: '2011-03-01T00:00:00.000Z',
  });

const stay = (listingId: string, checkIn: string, checkOut: string) => ({
  bookingId: randomUUID(),
  listingId,
  checkIn,
  checkOut,
});
const requested = (b: ReturnType<typeof stay>, when: string, instantBook: boolean) =>
  at(ANALYTICS_EVENTS.bookingRequested, when, { ...b, hostId: `host-of-${b.listingId}`, instantBook });
const confirmed = (b: ReturnType<typeof stay>, when: string, total: number, fees = {}) =>
  at(ANALYTICS_EVENTS.bookingConfirmed, when, {
    ...b,
    hostId: `host-of-${b.listingId}`,
    guestId: 'guest-1',
    total: money(total),
    ...fees,
  });
const ended = (ending: string, b: ReturnType<typeof stay>, when: string) =>
  at(`booking.${ending}`, when, { ...b, reason: ending });

// b1 Instant Book across a month end; b2 a request approved, confirmed, then cancelled; b3 declined; b4 expired;
// b5 failed; b6 cancelled before confirmation; b7 confirmed at 00:30 Moscow on 1 April (21:30 UTC on 31 March);
// b8 confirmed with its fees and without booking.requested, as bookings emit today, across February's end.
const b1 = stay(L1, '2011-03-30', '2011-04-02');
const b2 = stay(L2, '2011-03-10', '2011-03-12');
const b3 = stay(L1, '2011-03-20', '2011-03-21');
const b4 = stay(L3, '2011-03-25', '2011-03-27');
const b5 = stay(L3, '2011-03-15', '2011-03-16');
const b6 = stay(L2, '2011-03-20', '2011-03-22');
const b7 = stay(L3, '2011-04-10', '2011-04-12');
const b8 = stay(L2, '2011-02-27', '2011-03-02');

const b1Confirmed = confirmed(b1, '2011-03-01T10:05:00Z', 1_120_000);
const firstSearch = at(ANALYTICS_EVENTS.searchPerformed, '2011-03-01T10:00:00Z', {
  city: KAZAN,
  checkIn: '2011-03-10',
  guests: 2,
  results: 10,
});
const firstView = at(ANALYTICS_EVENTS.listingViewed, '2011-03-05T10:00:00Z', { listingId: L1 });

/** Delivered in this order: later steps before earlier ones, and some events twice. */
const script: DomainEvent[] = [
  // Listings: a newer revision's city arrives before the older one's; L3 is rejected, resubmitted, escalated.
  at(ANALYTICS_EVENTS.listingUpdated, '2011-03-10T10:00:00Z', listing(L1, 2, KAZAN)),
  at(ANALYTICS_EVENTS.listingPublished, '2011-03-01T09:30:00Z', listing(L1, 1, 'Kazan (old spelling)')),
  at(ANALYTICS_EVENTS.listingSubmitted, '2011-03-01T08:00:00Z', { listingId: L1, contentRevision: 1 }),
  at(ANALYTICS_EVENTS.listingPublished, '2011-03-05T10:00:00Z', listing(L2, 1, KAZAN)),
  at(ANALYTICS_EVENTS.listingRejected, '2011-03-02T12:00:00Z', {
    listingId: L3,
    contentRevision: 1,
    reason: 'blurry photos',
  }),
  at(ANALYTICS_EVENTS.listingSubmitted, '2011-03-02T10:00:00Z', { listingId: L3, contentRevision: 1 }),
  at(ANALYTICS_EVENTS.listingPublished, '2011-03-04T10:00:00Z', listing(L3, 1, SOCHI)),
  at(ANALYTICS_EVENTS.listingModerationEscalated, '2011-03-04T09:00:00Z', {
    listingId: L3,
    hostId: `host-of-${L3}`,
    contentRevision: 2,
    title: 'Квартира',
    workflowId: `moderation:${L3}:2`,
    awaitingSince: '2011-03-03T10:05:00Z',
  }),
  at(ANALYTICS_EVENTS.listingSubmitted, '2011-03-03T10:00:00Z', { listingId: L3, contentRevision: 2 }),
  // Bookings.
  at(ANALYTICS_EVENTS.bookingCompleted, '2011-04-02T09:00:00Z', { bookingId: b1.bookingId, listingId: L1 }),
  b1Confirmed,
  requested(b1, '2011-03-01T10:00:00Z', true),
  b1Confirmed,
  at(ANALYTICS_EVENTS.bookingApproved, '2011-03-02T11:00:00Z', { bookingId: b2.bookingId, listingId: L2 }),
  ended('cancelled', b2, '2011-03-05T08:00:00Z'),
  requested(b2, '2011-03-02T09:00:00Z', false),
  confirmed(b2, '2011-03-02T11:01:00Z', 622_222),
  ended('declined', b3, '2011-03-03T21:30:00Z'),
  requested(b3, '2011-03-03T20:00:00Z', false),
  requested(b4, '2011-03-04T08:00:00Z', false),
  ended('expired', b4, '2011-03-05T08:00:00Z'),
  requested(b5, '2011-03-06T12:00:00Z', true),
  ended('failed', b5, '2011-03-06T12:01:00Z'),
  ended('cancelled', b6, '2011-03-07T12:30:00Z'),
  requested(b6, '2011-03-07T12:00:00Z', true),
  confirmed(b7, '2011-03-31T21:30:00Z', 336_000),
  confirmed(b8, '2011-03-15T10:00:00Z', 224_000, { serviceFee: money(24_000), hostFee: money(6_000) }),
  // Data that breaks its contract is skipped, and does not hold up what follows.
  at(ANALYTICS_EVENTS.bookingConfirmed, '2011-03-15T10:00:00Z', { bookingId: randomUUID() }),
  // Searches and views; one 21:30 UTC search is already the next day in Moscow.
  firstSearch,
  at(ANALYTICS_EVENTS.searchPerformed, '2011-02-28T21:30:00Z', { city: KAZAN, guests: 1, results: 0 }),
  firstSearch,
  at(ANALYTICS_EVENTS.searchPerformed, '2011-03-20T10:00:00Z', { city: KAZAN, results: 5 }),
  at(ANALYTICS_EVENTS.searchPerformed, '2011-03-31T21:30:00Z', { city: SOCHI, guests: 2, results: 3 }),
  firstView,
  firstView,
  at(ANALYTICS_EVENTS.listingViewed, '2011-03-06T10:00:00Z', { listingId: L1 }),
  at(ANALYTICS_EVENTS.listingViewed, '2011-03-06T11:00:00Z', { listingId: L2 }),
  at(ANALYTICS_EVENTS.listingViewed, '2011-04-01T10:00:00Z', { listingId: L1 }),
];

/**
 * Publishes events and waits until the consumer handled all of them: it handles one message at a time
 * (prefetch 1), so a marker event published last is handled last.
 */
async function deliver(events: DomainEvent[]): Promise<void> {
  const marker = at('booking.test_marker', '2011-01-01T00:00:00Z', {});
  for (const event of [...events, marker]) publishEvent(bus.channel, event);
  await bus.channel.waitForConfirms();
  await eventually(
    () =>
      testDb.db
        .selectFrom('processed_events')
        .select('event_id')
        .where('consumer', '=', queue)
        .where('event_id', '=', marker.id)
        .executeTakeFirst(),
    (row) => row !== undefined,
  );
}

const SCHEMAS = {
  funnel: funnelSchema,
  revenue: revenueSchema,
  occupancy: occupancySchema,
  'host-response': hostResponseSchema,
  moderation: moderationSchema,
  searches: searchesSchema,
  'listing-views': listingViewsSchema,
};

/** A report as an admin or finance user gets it, checked against its documented schema. */
async function report<Path extends keyof typeof SCHEMAS>(
  path: Path,
  query: Record<string, string>,
  role: Role = 'admin',
): Promise<z.infer<(typeof SCHEMAS)[Path]>> {
  const res = await request(app)
    .get(`/analytics/${path}`)
    .query(query)
    .set(identityHeaders({ userId: `user-${role}`, roles: [role] }));
  expect(res.status).toBe(200);
  return SCHEMAS[path].parse(res.body) as z.infer<(typeof SCHEMAS)[Path]>;
}
const MARCH = { from: '2011-03-01', to: '2011-03-31' };
const APRIL = { from: '2011-04-01', to: '2011-04-30' };
const rub = (amount: number) => ({ amount, currency: 'RUB' });

beforeAll(async () => {
  testDb = await createTestDatabase<AnalyticsDatabase>('analytics', analyticsMigrations);
  bus = await connectEventBus(RABBITMQ_URL);
  consumer = await consumeAnalyticsEvents({ bus, db: testDb.db, logger, fees: rates, queue, prefetch: 1 });
  app = createAnalyticsApp({ db: testDb.db, logger });
  await deliver(script);
});

afterAll(async () => {
  await consumer?.cancel();
  await bus?.channel.deleteQueue(queue).catch(() => undefined);
  await bus?.close();
  await testDb?.drop();
});

describe('booking funnel', () => {
  it('follows the bookings that entered in March to their outcomes, with every drop-off', async () => {
    expect(await report('funnel', MARCH)).toEqual({
      ...MARCH,
      stages: { requested: 7, approved: 1, confirmed: 3, completed: 1 },
      dropOffs: {
        declined: 1,
        expired: 1,
        failed: 1,
        cancelledBeforeConfirmation: 1,
        cancelledAfterConfirmation: 1,
      },
      awaitingOutcome: 0,
      enteredWithoutRequestEvent: 1,
      conversion: 0.4286,
    });
  });

  it('counts a booking on its Moscow day', async () => {
    expect(await report('funnel', APRIL)).toMatchObject({
      stages: { requested: 1, approved: 0, confirmed: 1, completed: 0 },
      enteredWithoutRequestEvent: 1,
    });
  });
});

describe('revenue', () => {
  it('gives guest money and fees per Moscow day in kopecks, fees derived or taken from the event', async () => {
    const march = await report('revenue', MARCH, 'finance');
    const quiet = {
      confirmedBookings: 0,
      gross: rub(0),
      serviceFees: rub(0),
      hostFees: rub(0),
      platformFees: rub(0),
      cancelledBookings: 0,
      cancelledGross: rub(0),
    };
    const byDay = Object.fromEntries(march.days.map(({ date, ...figures }) => [date, figures]));

    expect(march.days).toHaveLength(31);
    // 1 120 000 = 1 000 000 + 12 %; the host pays 3 % of 1 000 000.
    expect(byDay['2011-03-01']).toEqual({
      ...quiet,
      confirmedBookings: 1,
      gross: rub(1_120_000),
      serviceFees: rub(120_000),
      hostFees: rub(30_000),
      platformFees: rub(150_000),
    });
    // 622 222 = 555 555 + 66 667 (12 %, rounded half up); 3 % of 555 555 is 16 666.65.
    expect(byDay['2011-03-02']).toEqual({
      ...quiet,
      confirmedBookings: 1,
      gross: rub(622_222),
      serviceFees: rub(66_667),
      hostFees: rub(16_667),
      platformFees: rub(83_334),
    });
    expect(byDay['2011-03-05']).toEqual({ ...quiet, cancelledBookings: 1, cancelledGross: rub(622_222) });
    expect(byDay['2011-03-15']).toEqual({
      ...quiet,
      confirmedBookings: 1,
      gross: rub(224_000),
      serviceFees: rub(24_000),
      hostFees: rub(6_000),
      platformFees: rub(30_000),
    });
    const busyDays = ['2011-03-01', '2011-03-02', '2011-03-05', '2011-03-15'];
    for (const [date, figures] of Object.entries(byDay)) {
      if (!busyDays.includes(date)) expect([date, figures]).toEqual([date, quiet]);
    }
    expect(march.totals).toEqual({
      confirmedBookings: 3,
      gross: rub(1_966_222),
      serviceFees: rub(210_667),
      hostFees: rub(52_667),
      platformFees: rub(263_334),
      cancelledBookings: 1,
      cancelledGross: rub(622_222),
    });

    const april = await report('revenue', { from: '2011-04-01', to: '2011-04-01' }, 'finance');
    expect(april.totals).toMatchObject({
      confirmedBookings: 1,
      gross: rub(336_000),
      serviceFees: rub(36_000),
    });
  });
});

describe('occupancy', () => {
  const nightsByDay = (body: { days: { date: string; nightsBooked: number }[] }) =>
    Object.fromEntries(body.days.filter((d) => d.nightsBooked > 0).map((d) => [d.date, d.nightsBooked]));

  it('counts the nights of confirmed, uncancelled stays inside the month, per day, listing and city', async () => {
    const march = await report('occupancy', { ...MARCH, city: KAZAN });

    expect(march.days).toHaveLength(31);
    expect(nightsByDay(march)).toEqual({ '2011-03-01': 1, '2011-03-30': 1, '2011-03-31': 1 });
    expect(march.cities).toEqual([{ city: KAZAN, listings: 2, nightsBooked: 3, occupancyRate: 0.0484 }]);
    expect(march.listings).toEqual([
      { listingId: L1, city: KAZAN, nightsBooked: 2, occupancyRate: 0.0645 },
      { listingId: L2, city: KAZAN, nightsBooked: 1, occupancyRate: 0.0323 },
    ]);
  });

  it('splits stays at month boundaries', async () => {
    const february = await report('occupancy', { from: '2011-02-01', to: '2011-02-28', city: KAZAN });
    expect(nightsByDay(february)).toEqual({ '2011-02-27': 1, '2011-02-28': 1 });

    const acrossMonths = await report('occupancy', { from: '2011-03-31', to: '2011-04-01', city: KAZAN });
    expect(nightsByDay(acrossMonths)).toEqual({ '2011-03-31': 1, '2011-04-01': 1 });
    expect(acrossMonths.listings).toEqual([
      { listingId: L1, city: KAZAN, nightsBooked: 2, occupancyRate: 1 },
    ]);

    const april = await report('occupancy', { ...APRIL, city: SOCHI });
    expect(nightsByDay(april)).toEqual({ '2011-04-10': 1, '2011-04-11': 1 });
    expect(april.cities).toEqual([{ city: SOCHI, listings: 1, nightsBooked: 2, occupancyRate: 0.0667 }]);
  });
});

it('averages host response times over requests answered in the range', async () => {
  expect(await report('host-response', MARCH)).toEqual({
    ...MARCH,
    responses: 2,
    approved: 1,
    declined: 1,
    timedResponses: 2,
    // (2 h + 1.5 h) / 2
    averageResponseSeconds: 6_300,
    expiredWithoutAnswer: 1,
  });
});

it('times moderation from submission to decision', async () => {
  expect(await report('moderation', MARCH)).toEqual({
    ...MARCH,
    decisions: 4,
    published: 3,
    rejected: 1,
    timedDecisions: 3,
    // (1.5 h + 2 h + 24 h) / 3, the resubmission timed from listing.submitted, not the later escalation.
    averageTurnaroundSeconds: 33_000,
    maxTurnaroundSeconds: 86_400,
    escalated: 1,
  });
});

it('counts searches per city and Moscow day', async () => {
  const march = await report('searches', MARCH);

  expect(march.cities.find((c) => c.city === KAZAN)).toEqual({
    city: KAZAN,
    searches: 3,
    zeroResultSearches: 1,
    averageResults: 5,
    averageGuests: 1.5,
  });
  expect(march.cities.find((c) => c.city === SOCHI)).toBeUndefined();
  expect(march.days.find((d) => d.date === '2011-03-01')).toEqual({
    date: '2011-03-01',
    searches: 2,
  });
  const april = await report('searches', APRIL);
  expect(april.cities.find((c) => c.city === SOCHI)).toMatchObject({ searches: 1 });
});

it('ranks listings by views', async () => {
  expect(await report('listing-views', { ...MARCH, city: KAZAN })).toEqual({
    ...MARCH,
    city: KAZAN,
    listings: [
      { listingId: L1, city: KAZAN, views: 2 },
      { listingId: L2, city: KAZAN, views: 1 },
    ],
  });
});

it('changes nothing when every event is delivered again', async () => {
  const paths = ['funnel', 'revenue', 'host-response', 'moderation', 'searches', 'listing-views'] as const;
  const before = await Promise.all(paths.map((path) => report(path, MARCH)));
  const kazanBefore = await report('occupancy', { ...MARCH, city: KAZAN });

  await deliver([...script].reverse());

  expect(await Promise.all(paths.map((path) => report(path, MARCH)))).toEqual(before);
  expect(await report('occupancy', { ...MARCH, city: KAZAN })).toEqual(kazanBefore);
});
