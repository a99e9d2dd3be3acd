import { type Client, errors, type estypes } from '@elastic/elasticsearch';
import {
  ANALYTICS_CONTRACT_EVENTS,
  type BestEffortPublisher,
  citySchema,
  type SearchPerformed,
} from '@kvartirnsk/lib/analytics-events';
import { domainEvent } from '@kvartirnsk/lib/events';
import { createServiceApp } from '@kvartirnsk/lib/http';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { serviceUnavailable } from '@kvartirnsk/lib/problem';
import type { ListingDocument } from './listing-state';
import { buildSearches, searchParamsSchema, toSearchResult } from './listing-search';
import { searchComponents, searchResultSchema } from './openapi';

export const SEARCH_EVENT_SOURCE = 'search';

/** The search, and the city the guest named: the map box does the finding, the name is for analytics. */
const searchQuerySchema = searchParamsSchema.safeExtend({
  city: citySchema
    .optional()
    .describe('The city the guest asked for by name; it filters nothing (the box does), it names the search'),
});

export const searchRoutes = {
  listings: defineRoute({
    method: 'get',
    path: '/search/listings',
    operationId: 'searchListings',
    summary: 'Find published listings by text, map area, distance, dates, guests, price and amenities',
    description:
      'Listings with a booked or blocked night in [checkIn, checkOut) are left out; the check-out day is ' +
      'free for the next arrival. Facet counts ignore their own filter. With map=true the answer adds pins ' +
      'and clusters for the visible box.',
    security: 'anonymous',
    query: searchQuerySchema,
    responses: { 200: searchResultSchema },
    problems: [503],
  }),
};

export interface SearchAppDeps {
  client: Client;
  /** The alias searched (`listings`). */
  alias: string;
  logger: Logger;
  /**
   * Where search.performed goes. Published straight to the broker, not through an outbox: a search writes
   * nothing else, and a lost event only makes a count a little low. Without one, no event is sent.
   */
  analytics?: BestEffortPublisher;
}

type SearchResponse = estypes.SearchResponse<Partial<ListingDocument>>;

export function createSearchApp({ client, alias, logger, analytics }: SearchAppDeps) {
  return createServiceApp({
    logger,
    readiness: async () => {
      if (!(await client.indices.existsAlias({ name: alias }))) throw new Error(`no ${alias} alias yet`);
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk search', version: '1' },
        schemas: searchComponents,
      });
      api.serve(app, '/search/openapi.json');

      api.mount(app, searchRoutes.listings, async (req, res) => {
        const { city, ...params } = searchRoutes.listings.query(req);
        const searches = buildSearches(params);
        // One round trip: Elasticsearch runs the page and the pins side by side.
        const { responses } = await client
          .msearch<Partial<ListingDocument>>({
            index: alias,
            searches: [{}, searches.page, ...(searches.pins ? [{}, searches.pins] : [])],
          })
          .catch((err: unknown) => {
            if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError)
              throw serviceUnavailable('Search is not answering; try again shortly');
            throw err;
          });
        for (const response of responses) {
          if ('error' in response) throw new Error(`search failed: ${JSON.stringify(response.error)}`);
        }
        const [page, pins] = responses as SearchResponse[];
        const result = toSearchResult(params, page!, pins);
        res.json(result);
        // Turning the page of a search is not another search.
        if (analytics && city && params.page === 1) {
          const performed: SearchPerformed = {
            city,
            checkIn: params.checkIn ?? null,
            guests: params.guests ?? null,
            results: result.total,
          };
          analytics.publish(
            domainEvent(SEARCH_EVENT_SOURCE, ANALYTICS_CONTRACT_EVENTS.searchPerformed, performed),
          );
        }
      });
    },
  });
}
