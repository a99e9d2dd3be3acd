import type { Client, estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { type PublishedListing, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import {
  type ListingDocument,
  type ListingState,
  mergeStates,
  stateFromSnapshot,
  stateOf,
  toDocument,
} from './listing-state';
import { indexBehind, listingsIndexBody, versionedIndexName } from './mapping';
import { mergeIntoIndex } from './store';

/**
 * A full reindex: a new versioned index is built from the listings service's export, the alias is swapped
 * to it in one atomic step, and the old index is deleted. Booked stays (and ratings, unpublish marks) are not
 * in the export: they are carried over from the old index, because re-deriving them would need the bookings
 * service's data and the old index already holds them, tombstones included. The indexer keeps writing
 * through the alias meanwhile; whatever it wrote into the old index after the rebuild started is merged
 * into the new one after the swap (the old index is made read-only first, so nothing is written after that
 * pass). Every step merges with `mergeStates`, so the order of these writes does not matter.
 */

export interface RebuildOptions {
  client: Client;
  alias: string;
  /** Every published listing; pluggable so the pipeline runs without the listings service. */
  source: AsyncIterable<PublishedListing>;
  batchSize?: number;
  /** Called after each batch with the number of exported listings indexed so far. */
  onProgress?: (indexed: number) => void;
}

export interface RebuildReport {
  index: string;
  previousIndex: string | null;
  /** Listings from the export written into the new index. */
  indexed: number;
  /** Documents of the old index whose stays, rating and unpublish marks were carried over. */
  carried: number;
  /** Documents the indexer changed in the old index during the rebuild, merged after the swap. */
  caughtUp: number;
  seconds: number;
  /** Exported listings indexed per second, carry-over included in the time. */
  documentsPerSecond: number;
}

/** Bulk requests and the flush write a lot at once; on a busy machine they take longer than a search. */
const SLOW_REQUEST = { requestTimeout: 120_000 };
/** Clock skew between the indexer's writes and this process, on one host. */
const CATCH_UP_MARGIN_MS = 60_000;
const SCROLL_PAGE = 1000;

async function bulkWrite(client: Client, index: string, documents: ListingDocument[]): Promise<void> {
  if (documents.length === 0) return;
  const operations = documents.flatMap((document) => [
    { index: { _index: index, _id: document.listingId } },
    document,
  ]);
  const response = await client.bulk({ operations }, SLOW_REQUEST);
  if (response.errors) {
    const failed = response.items.find((item) => item.index?.error);
    throw new Error(`Bulk indexing into ${index} failed: ${JSON.stringify(failed?.index?.error)}`);
  }
}

async function* batches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function scroll(client: Client, index: string, query: estypes.QueryDslQueryContainer) {
  return client.helpers.scrollDocuments<ListingDocument>({ index, query, size: SCROLL_PAGE });
}

/**
 * The part of an old document the export cannot provide. A snapshot observed before the rebuild started is
 * dropped: the export, read after that, has it or a newer one, or has left the listing out because it is
 * no longer published.
 */
function carriedState(document: ListingDocument, startedAt: Date): ListingState {
  const state = stateOf(document);
  const observedSince =
    state.listingObservedAt !== null && state.listingObservedAt >= startedAt.toISOString();
  return observedSince ? state : { ...state, listing: null, listingObservedAt: null };
}

export async function rebuildListingsIndex(options: RebuildOptions): Promise<RebuildReport> {
  const { client, alias, source, batchSize = 1000, onProgress } = options;
  const startedAt = new Date();
  const previousIndex = (await indexBehind(client, alias)) ?? null;
  const index = versionedIndexName(alias, startedAt);
  const { settings, mappings } = await listingsIndexBody(client);
  // Nobody reads or writes the new index until the swap, so it is built without refreshes or per-request
  // fsyncs; it is flushed to disk before it goes live.
  await client.indices.create({
    index,
    settings: { ...settings, refresh_interval: '-1', 'translog.durability': 'async' },
    mappings,
  });

  let carried = 0;
  let indexed = 0;
  let swapped = false;
  try {
    if (previousIndex) {
      // Scrolling is a search: it sees only what a refresh has made visible.
      await client.indices.refresh({ index: previousIndex });
      for await (const documents of batches(scroll(client, previousIndex, { match_all: {} }), batchSize)) {
        await bulkWrite(
          client,
          index,
          documents.map((document) => toDocument(carriedState(document, startedAt), startedAt)),
        );
        carried += documents.length;
      }
      await client.indices.refresh({ index });
    }

    for await (const listings of batches(source, batchSize)) {
      const states = new Map<string, ListingState>();
      for (const listing of listings) {
        const state = stateFromSnapshot(listing, startedAt.toISOString());
        const same = states.get(listing.listingId);
        states.set(listing.listingId, same ? mergeStates(same, state) : state);
      }
      if (carried > 0) {
        const { docs } = await client.mget<ListingDocument>({ index, ids: [...states.keys()] });
        for (const doc of docs) {
          if (!('found' in doc) || !doc.found || !doc._source) continue;
          states.set(doc._id, mergeStates(stateOf(doc._source), states.get(doc._id)!));
        }
      }
      await bulkWrite(
        client,
        index,
        [...states.values()].map((state) => toDocument(state, startedAt)),
      );
      indexed += listings.length;
      onProgress?.(indexed);
    }

    await client.indices.putSettings({
      index,
      settings: { refresh_interval: '1s', 'translog.durability': 'request' },
    });
    await client.indices.flush({ index }, SLOW_REQUEST);
    await client.indices.refresh({ index });
    await client.indices.updateAliases({
      actions: [
        ...(previousIndex ? [{ remove: { index: previousIndex, alias } }] : []),
        { add: { index, alias } },
      ],
    });
    swapped = true;
  } finally {
    if (!swapped) await client.indices.delete({ index, ignore_unavailable: true });
  }

  let caughtUp = 0;
  if (previousIndex) {
    await client.indices.addBlock({ index: previousIndex, block: 'write' });
    await client.indices.refresh({ index: previousIndex });
    const since = new Date(startedAt.getTime() - CATCH_UP_MARGIN_MS).toISOString();
    for await (const document of scroll(client, previousIndex, { range: { indexedAt: { gte: since } } })) {
      await mergeIntoIndex(client, alias, carriedState(document, startedAt));
      caughtUp += 1;
    }
    await client.indices.delete({ index: previousIndex });
  }

  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  return {
    index,
    previousIndex,
    indexed,
    carried,
    caughtUp,
    seconds: Number(seconds.toFixed(2)),
    documentsPerSecond: Math.round(indexed / seconds),
  };
}

const exportPageSchema = z.object({
  items: z.array(publishedListingSchema),
  next: z.string().nullable(),
});

/** Every published listing from the listings service's export, page by page in listing id order. */
export async function* exportedListings(
  listingsServiceUrl: string,
  pageSize = 1000,
): AsyncGenerator<PublishedListing> {
  let after: string | null = null;
  do {
    const url = new URL('/listings/published', listingsServiceUrl);
    url.searchParams.set('limit', String(pageSize));
    if (after !== null) url.searchParams.set('after', after);
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`GET ${url.toString()} answered ${response.status}`);
    const page = exportPageSchema.parse(await response.json());
    yield* page.items;
    after = page.next;
  } while (after !== null);
}
