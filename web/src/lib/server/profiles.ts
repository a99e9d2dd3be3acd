import type { PublicProfile } from '#lib/users/types.ts';
import { api, ApiError, type CallContext } from './gateway.ts';

/** The most ids the users service takes in one call. */
const IDS_PER_CALL = 100;

/**
 * Public profiles of the given users, by id. Pages use them to say who a guest or host is, so when the users
 * service cannot answer they get an empty map and show references instead of failing.
 */
export async function profilesOf(ctx: CallContext, ids: Iterable<string>): Promise<Map<string, PublicProfile>> {
  const unique = [...new Set(ids)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += IDS_PER_CALL) batches.push(unique.slice(start, start + IDS_PER_CALL));
  try {
    const pages = await Promise.all(
      batches.map((batch) =>
        api<{ items: PublicProfile[] }>(ctx, `/api/users/profiles?${new URLSearchParams({ ids: batch.join(',') })}`),
      ),
    );
    return new Map(pages.flatMap((page) => page.items.map((profile) => [profile.id, profile] as const)));
  } catch (err) {
    if (err instanceof ApiError) return new Map();
    throw err;
  }
}
