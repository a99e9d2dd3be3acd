import { parseRoubles } from '#lib/format.ts';
import { SEARCH_PARAMS, type SearchPage, type SearchResult } from '#lib/search/types.ts';
import { api, type CallContext } from './gateway.ts';
import { savedAmong } from './lookups.ts';

/**
 * The gateway's search query from the page's own: prices typed in roubles become kopecks, the city name is
 * kept for the form and passed on to name the search (the map box does the finding), and map pins are asked for when there is a box.
 */
export function searchQueryFrom(pageParams: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of SEARCH_PARAMS) {
    const value = pageParams.get(name)?.trim();
    if (!value) continue;
    if (name === 'minPrice' || name === 'maxPrice') {
      const kopecks = parseRoubles(value);
      if (kopecks !== undefined) query.set(name, String(kopecks));
    } else if (name === 'instantBook') {
      if (value === 'true') query.set(name, 'true');
    } else if (name === 'type') {
      if (value !== 'any') query.set(name, value);
    } else query.set(name, value);
  }
  if (query.has('north')) query.set('map', 'true');
  // The city names the search for analytics; it filters nothing (the box does).
  const city = pageParams.get('city')?.trim();
  if (city) query.set('city', city);
  return query;
}

/** The search, and which of the listings found a signed-in reader saved (none for visitors). */
export async function searchListings(
  ctx: CallContext,
  pageParams: URLSearchParams,
  signedIn: boolean,
): Promise<SearchPage> {
  const result = await api<SearchResult>(ctx, `/api/search/listings?${searchQueryFrom(pageParams)}`, {
    anonymous: true,
  });
  const saved = signedIn ? await savedAmong(ctx, result.items.map((item) => item.id)) : new Set<string>();
  return { ...result, savedIds: [...saved] };
}
