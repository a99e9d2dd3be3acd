import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { LISTING_EVENTS, type PublishedListing } from '@kvartirnsk/lib/listing-events';
import { type ListingDocument, stateFromEvent } from './listing-state';
import { indexBehind } from './mapping';
import { rebuildListingsIndex } from './rebuild-index';
import { mergeIntoIndex } from './store';
import { daysFromNow, dropAlias, eventAt, publishedListing, testAlias } from './test-support';

const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const alias = testAlias('reindex');

afterAll(async () => {
  await dropAlias(client, alias);
  await client.close();
});

async function* fromArray(listings: PublishedListing[], whileReading?: () => Promise<void>) {
  for (const [i, listing] of listings.entries()) {
    yield listing;
    if (i === 0) await whileReading?.();
  }
}

async function apply(type: string, data: object) {
  await mergeIntoIndex(client, alias, stateFromEvent(eventAt(type, data, new Date().toISOString()))!);
}

async function documents(): Promise<Map<string, ListingDocument>> {
  await client.indices.refresh({ index: alias });
  const { hits } = await client.search<ListingDocument>({ index: alias, size: 100 });
  return new Map(hits.hits.map((hit) => [hit._id!, hit._source!]));
}

const stay = (bookingId: string, listingId: string, from: number) => ({
  bookingId,
  listingId,
  checkIn: daysFromNow(from),
  checkOut: daysFromNow(from + 3),
});

it('builds a new index from the source, swaps the alias and keeps booked stays', async () => {
  const first = await rebuildListingsIndex({
    client,
    alias,
    source: fromArray([
      publishedListing({ listingId: 'r1' }),
      publishedListing({ listingId: 'r2' }),
      publishedListing({ listingId: 'r3' }),
    ]),
    batchSize: 2,
  });
  expect(first).toMatchObject({ previousIndex: null, indexed: 3, carried: 0 });
  await apply('booking.confirmed', stay('b1', 'r1', 20));
  await apply('booking.confirmed', stay('b-stub', 'r9', 20)); // a booking for a listing not published yet
  await apply(LISTING_EVENTS.ratingUpdated, { listingId: 'r2', hostId: 'host-1', average: 4.2, count: 5 });

  const progress: number[] = [];
  const second = await rebuildListingsIndex({
    client,
    alias,
    // r2 has a new revision, r3 is gone from the export, r4 is new.
    source: fromArray(
      [
        publishedListing({ listingId: 'r1' }),
        publishedListing({ listingId: 'r2', revision: 2, nightlyPrice: 990_000 }),
        publishedListing({ listingId: 'r4' }),
      ],
      // The indexer keeps writing through the alias (into the old index) while the new one is built.
      () => apply('booking.confirmed', stay('b2', 'r4', 40)),
    ),
    batchSize: 2,
    onProgress: (indexed) => progress.push(indexed),
  });

  expect(second).toMatchObject({ previousIndex: first.index, indexed: 3, carried: 4 });
  expect(second.caughtUp).toBeGreaterThanOrEqual(1); // r4, written into the old index during the rebuild
  expect(progress).toEqual([2, 3]);
  expect(await indexBehind(client, alias)).toBe(second.index);
  expect(await client.indices.exists({ index: first.index })).toBe(false);

  const docs = await documents();
  expect(docs.get('r1')).toMatchObject({
    visible: true,
    unavailable: [{ gte: daysFromNow(20), lt: daysFromNow(23) }],
  });
  expect(docs.get('r2')).toMatchObject({
    visible: true,
    listing: { revision: 2, nightlyPrice: 990_000 },
    rating: { average: 4.2, count: 5 },
  });
  expect(docs.get('r3')).toMatchObject({ visible: false });
  expect(docs.get('r4')).toMatchObject({
    visible: true,
    unavailable: [{ gte: daysFromNow(40), lt: daysFromNow(43) }],
  });
  expect(docs.get('r9')).toMatchObject({ visible: false, stays: [{ bookingId: 'b-stub', released: false }] });
});
