import { z } from 'zod';
import { createServiceApp } from '@kvartirnsk/lib/http';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { notFound } from '@kvartirnsk/lib/problem';
import { withoutNul } from '@kvartirnsk/lib/text';
import { type Gazetteer, MAX_CITY_SEARCH_LIMIT } from './gazetteer';
import type { Geocoder } from './geocoder';
import { citySchema, citySearchResultSchema, geoComponents, reverseResultSchema } from './openapi';

const DEFAULT_CITY_SEARCH_LIMIT = 10;
/** The gazetteer changes only with a deploy, so browsers and proxies may keep answers for an hour. */
const CACHE_CONTROL = 'public, max-age=3600';

/** A decimal number in a query string; z.coerce alone would read an empty value as 0. */
const decimal = (min: number, max: number) =>
  z
    .string()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)$/, 'must be a decimal number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const citySearchQuery = z
  .object({
    q: withoutNul(z.string().trim().min(1).max(100)).describe(
      'The start of a city name, in Russian or English',
    ),
    limit: z.coerce.number().int().min(1).max(MAX_CITY_SEARCH_LIMIT).default(DEFAULT_CITY_SEARCH_LIMIT),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .transform((code) => code.toUpperCase())
      .optional(),
  })
  .strict();

const cityIdParams = z.object({ id: z.string().regex(/^\d{1,10}$/, 'must be a GeoNames id (digits)') });

const reverseQuery = z
  .object({
    lat: decimal(-90, 90).describe('Latitude in degrees, -90 to 90'),
    lon: decimal(-180, 180).describe('Longitude in degrees, -180 to 180'),
  })
  .strict();

// Handlers validate with these declarations, and the service's OpenAPI document is written from them.
export const geoRoutes = {
  searchCities: defineRoute({
    method: 'get',
    path: '/geo/cities',
    operationId: 'searchCities',
    summary: 'City search and autocomplete by name prefix, in Russian or English',
    description:
      'Prefix match on the name, the Russian name and their words, ignoring case and diacritics; Cyrillic ' +
      'also matches transliterated Latin names. Ranked by population, Russian cities and exact names first.',
    security: 'anonymous',
    query: citySearchQuery,
    responses: { 200: citySearchResultSchema },
  }),
  getCity: defineRoute({
    method: 'get',
    path: '/geo/cities/:id',
    operationId: 'getCity',
    summary: 'A city by its id',
    security: 'anonymous',
    params: cityIdParams,
    responses: { 200: citySchema },
    problems: [404],
  }),
  reverse: defineRoute({
    method: 'get',
    path: '/geo/reverse',
    operationId: 'reverseGeocode',
    summary: 'The city nearest to a point',
    security: 'anonymous',
    query: reverseQuery,
    responses: { 200: reverseResultSchema },
    problems: [404],
  }),
};

export interface GeoAppDeps {
  gazetteer: Gazetteer;
  /** Asked only when the gazetteer knows no city by that name; absent unless GEOCODER_URL is set. */
  geocoder?: Geocoder;
  logger: Logger;
}

export function createGeoApp({ gazetteer, geocoder, logger }: GeoAppDeps) {
  return createServiceApp({
    logger,
    readiness: async () => {
      if (gazetteer.size === 0) throw new Error('the gazetteer holds no cities');
    },
    routes(app) {
      const api = new ServiceApi({ info: { title: 'Kvartirnsk geo', version: '1' }, schemas: geoComponents });
      api.serve(app, '/geo/openapi.json');

      api.mount(app, geoRoutes.searchCities, async (req, res) => {
        const { q, limit, country } = geoRoutes.searchCities.query(req);
        let items = gazetteer.search({ query: q, limit, country });
        if (items.length === 0 && geocoder) {
          try {
            items = await geocoder.search({ query: q, limit, country });
          } catch (err) {
            // The gazetteer's answer stands; an outside service being down is no reason to fail the search.
            logger.warn({ err }, 'geocoder failed');
          }
        }
        res.set('cache-control', CACHE_CONTROL).json({ items });
      });

      api.mount(app, geoRoutes.getCity, (req, res) => {
        const { id } = geoRoutes.getCity.params(req);
        const city = gazetteer.get(id);
        if (!city) throw notFound(`No city ${id}`);
        res.set('cache-control', CACHE_CONTROL).json(city);
      });

      api.mount(app, geoRoutes.reverse, (req, res) => {
        const found = gazetteer.nearest(geoRoutes.reverse.query(req));
        if (!found) throw notFound('The gazetteer holds no cities');
        res.set('cache-control', CACHE_CONTROL).json(found);
      });
    },
  });
}
