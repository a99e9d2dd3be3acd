import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { connectEventBus, type DomainEvent, type EventBus, publishEvent } from '@kvartirnsk/lib/events';
import { LISTING_EVENTS } from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { eventually } from '@kvartirnsk/lib/testing';
import { type EventIndexer, startEventIndexer } from './event-indexer';
import {
  emptyState,
  type ListingDocument,
  type ListingState,
  mergeStates,
  stateFromEvent,
  stateOf,
} from './listing-state';
import { daysFromNow, dropAlias, eventAt, publishedListing, testAlias } from './test-support';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const logger = createLogger('search-indexer-test', 'silent');
const alias = testAlias('indexer');
let bus: EventBus;
const connections: ChannelModel[] = [];
const queues: string[] = [];

beforeAll(async () => {
  bus = await connectEventBus(RABBITMQ_URL);
});

afterAll(async () => {
  for (const queue of queues) await bus.channel.deleteQueue(queue);
  await bus.close();
  for (const connection of connections) await connection.close().catch(() => undefined);
  await dropAlias(client, alias);
  await client.close();
});

async function startIndexer(
  queue: string,
  prefetch = 16,
): Promise<{ indexer: EventIndexer; connection: ChannelModel }> {
  const connection = await amqp.connect(RABBITMQ_URL);
  connections.push(connection);
  const indexer = await startEventIndexer({
    connection,
    client,
    alias,
    queue,
    logger,
    prefetch,
    retryDelayMs: 100,
  });
  return { indexer, connection };
}

function newQueue(): string {
  const queue = `test.search.${randomUUID().slice(0, 8)}`;
  queues.push(queue);
  return queue;
}

async function publish(events: DomainEvent[]) {
  for (const event of events) publishEvent(bus.channel, event);
  await bus.channel.waitForConfirms();
}

async function documentOf(listingId: string): Promise<ListingDocument | undefined> {
  const got = await client.get<ListingDocument>({ index: alias, id: listingId }, { ignore: [404] });
  return got.found ? got._source : undefined;
}

const fold = (listingId: string, events: DomainEvent[]): ListingState =>
  events
    .filter((event) => event.data.listingId === listingId)
    .reduce((state, event) => mergeStates(state, stateFromEvent(event)!), emptyState(listingId));

/** A listing's life: two revisions, a rating, two confirmed stays of which one is cancelled. */
function lifeOf(listingId: string, hour: number): DomainEvent[] {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, hour, minute)).toISOString();
  const stay = (n: number) => ({
    bookingId: `${listingId}-b${n}`,
    listingId,
    checkIn: daysFromNow(10 * n),
    checkOut: daysFromNow(10 * n + 2),
  });
  return [
    eventAt(
      LISTING_EVENTS.published,
      publishedListing({ listingId, revision: 1, nightlyPrice: 400_000 }),
      at(0),
    ),
    eventAt(
      LISTING_EVENTS.updated,
      publishedListing({ listingId, revision: 2, nightlyPrice: 450_000 }),
      at(1),
    ),
    eventAt(LISTING_EVENTS.ratingUpdated, { listingId, hostId: 'host-1', average: 4.5, count: 2 }, at(2)),
    eventAt('booking.confirmed', stay(1), at(3)),
    eventAt('booking.confirmed', stay(2), at(4)),
    eventAt('booking.cancelled', { ...stay(2), reason: 'guest' }, at(5)),
  ];
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

it('applies listing, rating and booking events to the document', async () => {
  const { indexer } = await startIndexer(newQueue());
  const events = lifeOf('ix-applied', 1);
  await publish(events);
  const document = await eventually(
    () => documentOf('ix-applied'),
    (doc) => doc?.stays.length === 2 && doc.stays[1]!.released && doc.rating !== null,
  );
  expect(document).toMatchObject({
    visible: true,
    listing: { revision: 2, nightlyPrice: 450_000 },
    rating: { average: 4.5, count: 2 },
    unavailable: [{ gte: daysFromNow(10), lt: daysFromNow(12) }],
  });
  await indexer.stop();
});

it('ends in the same document when events are redelivered and out of order', async () => {
  const { indexer } = await startIndexer(newQueue());
  const events = lifeOf('ix-shuffled', 2);
  // Newest first, then everything again in a scrambled order (redeliveries).
  await publish([...[...events].reverse(), ...shuffled(events, 7)]);
  const expected = fold('ix-shuffled', events);
  const document = await eventually(
    () => documentOf('ix-shuffled'),
    (doc) => doc !== undefined && JSON.stringify(stateOf(doc)) === JSON.stringify(expected),
  );
  expect(document).toMatchObject({ visible: true, listing: { revision: 2 } });
  await indexer.stop();
});

it('keeps a booking that arrives before its listing is indexed', async () => {
  const { indexer } = await startIndexer(newQueue());
  const stay = {
    bookingId: 'early-b1',
    listingId: 'ix-early',
    checkIn: daysFromNow(5),
    checkOut: daysFromNow(7),
  };
  await publish([eventAt('booking.confirmed', stay, '2026-11-20T10:00:00Z')]);
  await eventually(
    () => documentOf('ix-early'),
    (doc) => doc?.stays.length === 1,
  );
  expect(await documentOf('ix-early')).toMatchObject({ visible: false, listing: null });

  await publish([
    eventAt(LISTING_EVENTS.published, publishedListing({ listingId: 'ix-early' }), '2026-11-20T11:00:00Z'),
  ]);
  const document = await eventually(
    () => documentOf('ix-early'),
    (doc) => doc?.visible === true,
  );
  expect(document?.unavailable).toEqual([{ gte: stay.checkIn, lt: stay.checkOut }]);
  await indexer.stop();
});

it('loses and duplicates nothing when the consumer dies mid-stream and starts again', async () => {
  const queue = newQueue();
  const listingIds = Array.from({ length: 40 }, (_, i) => `ix-restart-${i}`);
  const events = shuffled(
    listingIds.flatMap((id, i) => lifeOf(id, i % 24)),
    11,
  );
  const first = await startIndexer(queue, 4);
  const half = Math.floor(events.length / 2);
  await publish(events.slice(0, half));
  await eventually(
    async () => (await client.count({ index: alias, query: { prefix: { listingId: 'ix-restart-' } } })).count,
    (count) => count >= 5,
    { intervalMs: 20 },
  );
  // A crash: the connection drops with events in hand, unacknowledged, and the broker redelivers them; the
  // rest of the stream arrives while no consumer is there.
  await first.connection.close();
  await publish(events.slice(half));
  const { messageCount: leftAfterCrash } = await bus.channel.checkQueue(queue);
  expect(leftAfterCrash).toBeGreaterThan(0);

  const second = await startIndexer(queue, 4);
  for (const listingId of listingIds) {
    const expected = JSON.stringify(fold(listingId, events));
    await eventually(
      () => documentOf(listingId),
      (doc) => doc !== undefined && JSON.stringify(stateOf(doc)) === expected,
    );
  }
  const sample = await documentOf(listingIds[0]!);
  expect(sample?.stays.map((stay) => stay.bookingId)).toEqual([`${listingIds[0]}-b1`, `${listingIds[0]}-b2`]);
  await second.indexer.stop();
});
