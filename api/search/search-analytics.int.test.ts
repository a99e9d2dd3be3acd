import { randomBytes, randomUUID } from 'node:crypto';
import type { Channel } from 'amqplib';
import pino from 'pino';
import request from 'supertest';
import {
  ANALYTICS_CONTRACT_EVENTS,
  type BestEffortPublisher,
  openBestEffortPublisher,
  searchPerformedSchema,
} from '@kvartirnsk/lib/analytics-events';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import {
  connectEventBus,
  DOMAIN_EXCHANGE,
  type DomainEvent,
  domainEvent,
  type EventBus,
} from '@kvartirnsk/lib/events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { eventually } from '@kvartirnsk/lib/testing';
import { createSearchApp } from './app';
import { rebuildListingsIndex } from './rebuild-index';
import { daysFromNow, dropAlias, publishedListing, testAlias } from './test-support';

// The real app on Elasticsearch with an index of this file's own, publishing to the local RabbitMQ, where a
// queue of this file's own is bound to search.performed. Other files' searches reach it too; this run's cities
// carry a tag.
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const alias = testAlias('analytics');
const queue = `test.search-performed.${randomUUID()}`;
const tag = randomBytes(3).toString('hex');
const KAZAN = `Казань ${tag}`;
const KAZAN_BOX = { north: 55.9, south: 55.7, east: 49.3, west: 49.0 };
const received: DomainEvent[] = [];

let bus: EventBus;
let consumer: Channel;
let analytics: BestEffortPublisher;
let app: ReturnType<typeof createSearchApp>;

beforeAll(async () => {
  await rebuildListingsIndex({
    client,
    alias,
    source: (async function* () {
      yield publishedListing({
        listingId: 'k1',
        city: 'Казань',
        location: { lat: 55.79, lon: 49.1 },
        maxGuests: 4,
      });
      yield publishedListing({
        listingId: 'k2',
        city: 'Казань',
        location: { lat: 55.78, lon: 49.12 },
        maxGuests: 2,
      });
    })(),
  });
  bus = await connectEventBus(RABBITMQ_URL);
  consumer = await bus.connection.createChannel();
  await consumer.assertQueue(queue, { exclusive: true, autoDelete: true });
  await consumer.bindQueue(queue, DOMAIN_EXCHANGE, ANALYTICS_CONTRACT_EVENTS.searchPerformed);
  await consumer.consume(
    queue,
    (message) => {
      if (message) received.push(JSON.parse(message.content.toString('utf8')) as DomainEvent);
    },
    { noAck: true },
  );
  const logger = createLogger('search-test', 'silent');
  analytics = await openBestEffortPublisher(bus, logger);
  app = createSearchApp({ client, alias, logger, analytics });
}, 60_000);

afterAll(async () => {
  await analytics?.close();
  await consumer?.close();
  await bus?.close();
  await dropAlias(client, alias);
  await client.close();
});

const search = (query: Record<string, string | number>) =>
  request(app)
    .get('/search/listings')
    .query(query)
    .expect(200)
    .then((res) => res.body as { total: number });

/**
 * The events published so far for this run's cities. A marker sent last on the app's own channel arrives after
 * everything the app published before it, so nothing is still on its way.
 */
async function performedForThisRun(): Promise<DomainEvent[]> {
  const marker = domainEvent('search-tests', ANALYTICS_CONTRACT_EVENTS.searchPerformed, {
    city: `marker ${randomUUID()}`,
    results: 0,
  });
  analytics.publish(marker);
  await eventually(async () => received.some((event) => event.id === marker.id), Boolean);
  return received.filter((event) => String(event.data.city).endsWith(tag));
}

it('reports a search that names a city once, with its dates, guests and how many listings it found', async () => {
  const checkIn = daysFromNow(20);
  const found = await search({
    city: KAZAN,
    ...KAZAN_BOX,
    checkIn,
    checkOut: daysFromNow(23),
    guests: 3,
    size: 1,
  });
  await search({
    city: KAZAN,
    ...KAZAN_BOX,
    checkIn,
    checkOut: daysFromNow(23),
    guests: 3,
    size: 1,
    page: 2,
  });
  await search({ ...KAZAN_BOX });
  await search({ city: `Сочи ${tag}`, north: 43.7, south: 43.5, east: 39.9, west: 39.6 });

  expect(found.total).toBe(1);
  const events = await performedForThisRun();
  expect(events.map(({ type, version, source, data }) => ({ type, version, source, data }))).toEqual([
    {
      type: 'search.performed',
      version: 1,
      source: 'search',
      data: { city: KAZAN, checkIn, guests: 3, results: 1 },
    },
    {
      type: 'search.performed',
      version: 1,
      source: 'search',
      data: { city: `Сочи ${tag}`, checkIn: null, guests: null, results: 0 },
    },
  ]);
  for (const event of events) expect(searchPerformedSchema.parse(event.data)).toEqual(event.data);
});

it('answers the search, and logs a warning, when the event cannot be sent', async () => {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
  const closedBus = await connectEventBus(RABBITMQ_URL);
  const unsent = await openBestEffortPublisher(closedBus, logger);
  await closedBus.close();
  const withoutBroker = createSearchApp({ client, alias, logger, analytics: unsent });

  const res = await request(withoutBroker)
    .get('/search/listings')
    .query({ city: KAZAN, ...KAZAN_BOX });

  expect(res.status).toBe(200);
  expect(res.body.total).toBe(2);
  expect(warnings.map((line) => JSON.parse(line) as { msg: string; type: string })).toContainEqual(
    expect.objectContaining({ msg: 'dropping a best-effort event', type: 'search.performed' }),
  );
});
