import { z } from 'zod';
import type { CityContains } from './checks';

const LOOKUP_TIMEOUT_MS = 5_000;

const citiesPageSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      nameRu: z.string().nullish(),
      bounds: z.object({ south: z.number(), west: z.number(), north: z.number(), east: z.number() }),
    }),
  ),
});

/**
 * Asks the geo service (`GET /geo/cities?q=&limit=1`) where the city is, and whether the point lies within
 * its bounding box. A failing or unreachable service throws, so the activity retries rather than guessing.
 */
export function geoServiceCityContains(geoServiceUrl: string): CityContains {
  return async (city, { lat, lon }) => {
    const url = new URL('/geo/cities', geoServiceUrl);
    url.searchParams.set('q', city);
    url.searchParams.set('limit', '1');
    const res = await fetch(url, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`geo service answered ${res.status} for ${url.pathname}${url.search}`);
    const [found] = citiesPageSchema.parse(await res.json()).items;
    if (!found) return 'unknown_city';
    const { south, west, north, east } = found.bounds;
    // A box crossing the antimeridian (Chukotka) has west > east.
    const withinLon = west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
    return lat >= south && lat <= north && withinLon ? 'inside' : 'outside';
  };
}
