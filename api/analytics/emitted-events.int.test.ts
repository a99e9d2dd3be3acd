import { randomBytes, randomUUID } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { listingModel } from '@kvartirnsk/activities/listings/listing';
import { createListingsApp } from '@kvartirnsk/api-listings/app';
import { LocalPhotoStorage } from '@kvartirnsk/api-listings/photos';
import { createSearchApp } from '@kvartirnsk/api-search/app';
import { ensureListingsIndex } from '@kvartirnsk/api-search/mapping';
import { dropAlias, publishedListing, testAlias } from '@kvartirnsk/api-search/test-support';
import { type BestEffortPublisher, openBestEffortPublisher } from '@kvartirnsk/lib/analytics-events';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { connectEventBus, type EventBus, OutboxRelay, type Subscription } from '@kvartirnsk/lib/events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import type { BookingRequest } from '@kvartirnsk/workflows/bookings/contract';
import { consumeAnalyticsEvents } from './projection';
import { type AnalyticsDatabase, analyticsMigrations } from './schema';

// The analytics-only events as their real producers emit them (booking activities through the bookings outbox,
// the search and listings apps straight to the broker), consumed by the analytics consumer on a queue of this
// file's own. Everyone's events reach that queue; this run's booking, city and listing are its own.
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const logger = createLogger('analytics-test', 'silent');
const fees = { guestServiceFeeBasisPoints: 1000, hostFeeBasisPoints: 300 };
const tag = randomBytes(3).toString('hex');
const queue = `test.analytics-emitted.${randomUUID()}`;
const search = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const searchAlias = testAlias('emitted');

let analyticsDb: TestDatabase<AnalyticsDatabase>;
let bookingsDb: TestDatabase<BookingsDatabase>;
let mongo: Connection;
let bus: EventBus;
let publisher: BestEffortPublisher;
let consumer: Subscription;

beforeAll(async () => {
  analyticsDb = await createTestDatabase<AnalyticsDatabase>('analytics_emitted', analyticsMigrations);
  bookingsDb = await createTestDatabase<BookingsDatabase>('analytics_emitted_bookings', bookingsMigrations);
  mongo = await connectMongo(MONGO_URL, `test_analytics_emitted_${tag}`);
  await ensureListingsIndex(search, searchAlias);
  bus = await connectEventBus(RABBITMQ_URL);
  publisher = await openBestEffortPublisher(bus, logger);
  consumer = await consumeAnalyticsEvents({ bus, db: analyticsDb.db, logger, fees, queue });
}, 60_000);

afterAll(async () => {
  await consumer?.cancel();
  await bus?.channel.deleteQueue(queue).catch(() => undefined);
  await publisher?.close();
  await bus?.close();
  await dropAlias(search, searchAlias);
  await search.close();
  await mongo?.dropDatabase();
  await mongo?.close();
  await analyticsDb?.drop();
  await bookingsDb?.drop();
});

it('records a request to book from its request, approval and confirmation', async () => {
  const bookingId = randomUUID();
  const listingId = `listing-${tag}`;
  await bookingsDb.db
    .insertInto('listings')
    .values({
      id: listingId,
      host_id: `host-${tag}`,
      title: 'Квартира',
      currency: 'RUB',
      nightly_price_kopecks: 500_000,
      weekend_price_kopecks: null,
      cleaning_fee_kopecks: 0,
      max_guests: 2,
      min_nights: 1,
      max_nights: 30,
      instant_book: false,
      time_zone: 'Europe/Moscow',
      check_out_time: '12:00',
      published: true,
    })
    .execute();
  const activities = createBookingActivities({ db: bookingsDb.db, fees });
  const env = new MockActivityEnvironment();
  // MockActivityEnvironment.run loses the activity's types; this keeps them.
  const run = <Args extends unknown[], Result>(fn: (...args: Args) => Promise<Result>, ...args: Args) =>
    env.run<Args, Result, typeof fn>(fn, ...args);
  const stay: BookingRequest = {
    bookingId,
    listingId,
    guestId: 'guest-1',
    checkIn: '2031-06-01',
    checkOut: '2031-06-03',
    guests: 2,
  };
  const quote = await run(activities.quoteStay, stay);
  await run(activities.holdDates, stay, quote);
  await run(activities.awaitApproval, bookingId, '2031-05-02T10:00:00.000Z');
  await run(activities.confirmBooking, bookingId, 'pi_emitted');
  await new OutboxRelay({ db: bookingsDb.db, bus, logger }).publishPending();

  const fact = await eventually(
    () =>
      analyticsDb.db
        .selectFrom('booking_facts')
        .selectAll()
        .where('booking_id', '=', bookingId)
        .executeTakeFirst(),
    (row) => Boolean(row?.requested_at && row.approved_at && row.confirmed_at),
  );
  expect(fact).toMatchObject({
    listing_id: listingId,
    host_id: `host-${tag}`,
    check_in: '2031-06-01',
    check_out: '2031-06-03',
    instant_book: false,
    total_kopecks: quote.total.amount,
  });
});

it('counts a search for a city', async () => {
  const city = `Казань ${tag}`;
  const app = createSearchApp({ client: search, alias: searchAlias, logger, analytics: publisher });
  await request(app)
    .get('/search/listings')
    .query({ city, north: 55.9, south: 55.7, east: 49.3, west: 49.0, guests: 2 })
    .expect(200);

  const day = await eventually(
    () => analyticsDb.db.selectFrom('searches_daily').selectAll().where('city', '=', city).executeTakeFirst(),
    Boolean,
  );
  expect(day).toMatchObject({
    searches: 1,
    zero_result_searches: 1,
    searches_with_guests: 1,
    guests_total: 2,
  });
});

it('counts a view of a listing’s public page', async () => {
  const Listing = listingModel(mongo);
  const listingId = randomUUID();
  const published = publishedListing({ listingId, hostId: `host-${tag}` });
  await Listing.create({
    _id: listingId,
    hostId: published.hostId,
    draft: { title: published.title },
    revision: 1,
    contentRevision: 1,
    published,
    moderation: { contentRevision: 1, status: 'approved' },
  });
  const app = createListingsApp({
    Listing,
    // Reading a listing never reaches Temporal.
    temporal: {} as TemporalClient,
    photos: new LocalPhotoStorage('/nonexistent'),
    logger,
    settings: {
      policy: { autoPublish: 'trusted_hosts', escalateAfter: '1 day' },
      nightlyPriceRange: { min: 50_000, max: 50_000_000 },
      photoBaseUrl: '/api/listings/photos',
      maxPhotoBytes: 1_000_000,
    },
    analytics: publisher,
  });
  await request(app).get(`/listings/${listingId}`).expect(200);

  const day = await eventually(
    () =>
      analyticsDb.db
        .selectFrom('listing_views_daily')
        .selectAll()
        .where('listing_id', '=', listingId)
        .executeTakeFirst(),
    Boolean,
  );
  expect(day?.views).toBe(1);
});
