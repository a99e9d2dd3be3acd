import { describeProblem } from '#lib/problem.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { searchListings } from '#lib/server/search.ts';
import { SEARCH_PARAMS, type Bounds, type City, type SearchPage } from '#lib/search/types.ts';
import type { PageServerLoad } from './$types';

/** Central Moscow, for a search that names no place. */
const DEFAULT_BOUNDS: Bounds = { north: 55.82, south: 55.68, east: 37.78, west: 37.45 };

function boundsFrom(params: URLSearchParams): Bounds | undefined {
  const edges = (['north', 'south', 'east', 'west'] as const).map((edge) => Number(params.get(edge) ?? NaN));
  if (edges.some((edge) => !Number.isFinite(edge))) return undefined;
  const [north, south, east, west] = edges as [number, number, number, number];
  return { north, south, east, west };
}

export const load: PageServerLoad = async (event) => {
  const params = new URLSearchParams(event.url.searchParams);
  let bounds = boundsFrom(params);
  const city = params.get('city')?.trim() ?? '';
  // A city typed but not picked from the suggestions: take the best match's box.
  if (!bounds && city) {
    const found = await api<{ items: City[] }>(
      event,
      `/api/geo/cities?${new URLSearchParams({ q: city, limit: '1' })}`,
      { anonymous: true },
    ).catch(() => ({ items: [] as City[] }));
    bounds = found.items[0]?.bounds;
  }
  bounds ??= DEFAULT_BOUNDS;
  for (const [edge, value] of Object.entries(bounds)) params.set(edge, String(value));

  let result: SearchPage | null = null;
  let searchError: string | null = null;
  try {
    result = await searchListings(event, params, event.locals.user !== null);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    searchError = describeProblem(err.problem, event.locals.locale).message;
  }
  const values = Object.fromEntries(
    [...SEARCH_PARAMS, 'city'].map((name) => [name, event.url.searchParams.get(name) ?? '']),
  );
  return { bounds, result, searchError, values, today: new Date().toISOString().slice(0, 10) };
};
