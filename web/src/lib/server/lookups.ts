import type { PublishedListing, SavedListing } from '#lib/listings/types.ts';
import type { PublicProfile } from '#lib/users/types.ts';
import { api, ApiError, type CallContext } from './gateway.ts';

// Other services' records that pages show beside their own (who a guest is, which flat a booking is for).
// They only decorate a page, so when a service cannot answer the page gets an empty map and shows references.

/** The most ids the services take in one call. */
const IDS_PER_CALL = 100;

async function byIds<T>(
  ctx: CallContext,
  ids: Iterable<string>,
  pathFor: (query: URLSearchParams) => string,
  idOf: (item: T) => string,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += IDS_PER_CALL) batches.push(unique.slice(start, start + IDS_PER_CALL));
  try {
    const pages = await Promise.all(
      batches.map((batch) => api<{ items: T[] }>(ctx, pathFor(new URLSearchParams({ ids: batch.join(',') })))),
    );
    return new Map(pages.flatMap((page) => page.items.map((item) => [idOf(item), item] as const)));
  } catch (err) {
    if (err instanceof ApiError) return new Map();
    throw err;
  }
}

/** Users' public profiles by id. */
export function profilesOf(ctx: CallContext, userIds: Iterable<string>): Promise<Map<string, PublicProfile>> {
  return byIds<PublicProfile>(ctx, userIds, (query) => `/api/users/profiles?${query}`, (profile) => profile.id);
}

/** One user's public profile, or undefined when the users service does not know them or cannot answer. */
export async function profileOf(ctx: CallContext, userId: string): Promise<PublicProfile | undefined> {
  return (await profilesOf(ctx, [userId])).get(userId);
}

/** Published listings by id (one unpublished since is left out). */
export function publishedListingsOf(ctx: CallContext, listingIds: Iterable<string>): Promise<Map<string, PublishedListing>> {
  return byIds<PublishedListing>(
    ctx,
    listingIds,
    (query) => `/api/listings/published?${query}&limit=${IDS_PER_CALL}`,
    (listing) => listing.listingId,
  );
}

/** Which of these listings the signed-in reader saved. */
export async function savedAmong(ctx: CallContext, listingIds: Iterable<string>): Promise<Set<string>> {
  const saved = await byIds<SavedListing>(
    ctx,
    listingIds,
    (query) => `/api/listings/saved?${query}&limit=${IDS_PER_CALL}`,
    (entry) => entry.listingId,
  );
  return new Set(saved.keys());
}
