import type { estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { isoDateSchema, nightsBetween } from '@kvartirnsk/lib/dates';
import { AMENITIES, LISTING_TYPES } from '@kvartirnsk/lib/listing-events';
import type { ListingDocument } from './listing-state';

export const MAX_PAGE_SIZE = 50;
/** Deeper than this a guest refines the search instead of paging; it also bounds Elasticsearch's work. */
export const MAX_RESULTS = 1000;
/** Enough pins to draw every match of a zoomed-in map; beyond that the clusters carry the picture. */
export const MAX_PINS = 500;
export const MAX_GUESTS = 16;
const MAX_STAY_NIGHTS = 365;
const MAX_TEXT_WORDS = 10;
export const PRICE_HISTOGRAM_INTERVAL = 100_000; // kopecks: 1000 roubles
export const SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'distance'] as const;

const numberParam = <Schema extends z.ZodNumber>(schema: Schema) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(schema);

const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');

const listParam = <Values extends readonly [string, ...string[]]>(values: Values) =>
  z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(values)).min(1));

const latitude = numberParam(z.number().min(-90).max(90));
const longitude = numberParam(z.number().min(-180).max(180));
const kopecks = numberParam(z.number().int('must be whole kopecks').min(0).max(Number.MAX_SAFE_INTEGER));

// A day of slack: the guest's "today" may still be yesterday in UTC.
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

export const searchParamsSchema = z
  .object({
    q: z.string().trim().min(1).max(200).optional().describe('Free text, Russian or English; typos forgiven'),
    north: latitude.optional().describe('Visible map box: all four of north, south, east, west'),
    south: latitude.optional(),
    east: longitude.optional(),
    west: longitude.optional().describe('May be east of `east` when the box crosses the antimeridian'),
    lat: latitude.optional().describe('A point for distance filtering and sorting, with lon'),
    lon: longitude.optional(),
    radiusKm: numberParam(z.number().positive().max(1000)).optional().describe('Needs lat and lon'),
    checkIn: isoDateSchema.optional().describe('With checkOut: only listings free for every night between'),
    checkOut: isoDateSchema.optional().describe('The day of departure, free for the next guest to arrive'),
    guests: numberParam(z.number().int().min(1).max(MAX_GUESTS)).optional(),
    minPrice: kopecks.optional().describe('Nightly price in kopecks, inclusive'),
    maxPrice: kopecks.optional().describe('Nightly price in kopecks, inclusive'),
    type: listParam(LISTING_TYPES).optional().describe('Comma-separated; any of them'),
    amenities: listParam(AMENITIES).optional().describe('Comma-separated; all of them'),
    instantBook: booleanParam.optional().describe('true: only listings that confirm at once'),
    sort: z.enum(SORTS).default('relevance'),
    page: numberParam(z.number().int().min(1)).default(1),
    size: numberParam(z.number().int().min(1).max(MAX_PAGE_SIZE)).default(20),
    map: booleanParam.default(false).describe('true: add pins and clusters for the visible box'),
  })
  .strict()
  .superRefine((params, ctx) => {
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [field], message });
    const box = [params.north, params.south, params.east, params.west];
    if (box.some((edge) => edge !== undefined)) {
      for (const edge of ['north', 'south', 'east', 'west'] as const) {
        if (params[edge] === undefined) issue(edge, 'is required with the other edges of the box');
      }
      if (params.north !== undefined && params.south !== undefined && params.south > params.north)
        issue('south', 'must not be north of north');
    }
    if ((params.lat === undefined) !== (params.lon === undefined))
      issue(params.lat === undefined ? 'lat' : 'lon', 'lat and lon go together');
    if (params.radiusKm !== undefined && params.lat === undefined) issue('radiusKm', 'needs lat and lon');
    if (params.sort === 'distance' && params.lat === undefined) issue('sort', 'distance needs lat and lon');
    if (params.map && params.north === undefined)
      issue('map', 'needs the visible box (north, south, east, west)');
    if ((params.checkIn === undefined) !== (params.checkOut === undefined))
      issue(params.checkIn === undefined ? 'checkIn' : 'checkOut', 'checkIn and checkOut go together');
    if (params.checkIn !== undefined && params.checkOut !== undefined) {
      if (params.checkOut <= params.checkIn) issue('checkOut', 'must be after checkIn');
      else if (nightsBetween(params.checkIn, params.checkOut) > MAX_STAY_NIGHTS)
        issue('checkOut', `must be within ${MAX_STAY_NIGHTS} nights of checkIn`);
      if (params.checkIn < yesterday()) issue('checkIn', 'must not be in the past');
    }
    if (params.minPrice !== undefined && params.maxPrice !== undefined && params.minPrice > params.maxPrice)
      issue('maxPrice', 'must not be below minPrice');
    if (params.page * params.size > MAX_RESULTS)
      issue('page', `page × size must not exceed ${MAX_RESULTS}; narrow the search instead`);
    if (params.q !== undefined && params.q.split(/\s+/).length > MAX_TEXT_WORDS)
      issue('q', `must have at most ${MAX_TEXT_WORDS} words`);
  });

export type SearchParams = z.infer<typeof searchParamsSchema>;

interface Box {
  north: number;
  south: number;
  east: number;
  west: number;
}

function boxOf(params: SearchParams): Box | undefined {
  const { north, south, east, west } = params;
  if (north === undefined || south === undefined || east === undefined || west === undefined)
    return undefined;
  return { north, south, east, west };
}

const boundsOf = (box: Box) => ({
  top_left: { lat: box.north, lon: box.west },
  bottom_right: { lat: box.south, lon: box.east },
});

/** A zoom at which the visible box spans about eight tiles across: a readable number of clusters. */
export function clusterPrecision(box: Box): number {
  const lonSpan = box.east >= box.west ? box.east - box.west : 360 - (box.west - box.east);
  const span = Math.max(lonSpan, box.north - box.south, 1e-6);
  return Math.min(20, Math.max(1, Math.floor(Math.log2((360 * 8) / span))));
}

/** Has Cyrillic letters and no others (digits and punctuation aside). */
const CYRILLIC_ONLY = /^(?=.*\p{Script=Cyrillic})[\p{Script=Cyrillic}\P{L}]*$/u;

/**
 * Every word must match the listing's Russian or English text (title, description and city, copied into one
 * field per language at index time, because fuzzy matching costs per field), forgiving typos and Russian word
 * endings, which the analysers here do not stem. A word written in Cyrillic alone is looked for in the Russian
 * text only: every listing has one, and the fuzzy automaton built for the English field would be most of the
 * query's cost for nothing. A Latin word may be a name inside Russian text too, so it is looked for in both.
 * A stop word matches everything rather than nothing. An exact match in a title ranks higher.
 */
function textQuery(q: string): estypes.QueryDslQueryContainer {
  return {
    bool: {
      must: q.split(/\s+/).map((word) => ({
        multi_match: {
          query: word,
          fields: CYRILLIC_ONLY.test(word) ? ['searchRu'] : ['searchRu', 'searchEn'],
          fuzziness: 'AUTO',
          prefix_length: 1,
          zero_terms_query: 'all',
        },
      })),
      should: [{ multi_match: { query: q, fields: ['listing.title', 'listing.titleEn'] } }],
    },
  };
}

/** Filters whose facets stay countable when they are chosen (each facet ignores its own filter). */
type FacetName = 'type' | 'amenities' | 'instantBook' | 'price';

function facetFilters(params: SearchParams): Record<FacetName, estypes.QueryDslQueryContainer[]> {
  return {
    type: params.type ? [{ terms: { 'listing.type': params.type } }] : [],
    amenities: (params.amenities ?? []).map((amenity) => ({ term: { 'listing.amenities': amenity } })),
    instantBook: params.instantBook ? [{ term: { 'listing.instantBook': true } }] : [],
    price:
      params.minPrice !== undefined || params.maxPrice !== undefined
        ? [{ range: { 'listing.nightlyPrice': { gte: params.minPrice, lte: params.maxPrice } } }]
        : [],
  };
}

function sortOf(params: SearchParams): estypes.SortCombinations[] {
  const tieBreak = { listingId: 'asc' } as const;
  const rating: estypes.SortCombinations[] = [
    { 'rating.average': { order: 'desc', missing: '_last' } },
    { 'rating.count': { order: 'desc', missing: '_last' } },
  ];
  switch (params.sort) {
    case 'price_asc':
      return [{ 'listing.nightlyPrice': 'asc' }, tieBreak];
    case 'price_desc':
      return [{ 'listing.nightlyPrice': 'desc' }, tieBreak];
    case 'rating':
      return [...rating, tieBreak];
    case 'distance':
      return [
        {
          _geo_distance: {
            'listing.location': { lat: params.lat!, lon: params.lon! },
            order: 'asc',
            unit: 'km',
          },
        },
        tieBreak,
      ];
    case 'relevance':
      return ['_score', ...rating, tieBreak];
  }
}

const CARD_FIELDS = [
  'listing.listingId',
  'listing.title',
  'listing.titleEn',
  'listing.city',
  'listing.location',
  'listing.type',
  'listing.maxGuests',
  'listing.bedrooms',
  'listing.instantBook',
  'listing.currency',
  'listing.nightlyPrice',
  'listing.photos.thumbnailUrl',
  'rating.average',
  'rating.count',
];

const PIN_FIELDS = ['listing.listingId', 'listing.location', 'listing.currency', 'listing.nightlyPrice'];

type AggregationName = FacetName | 'clusters';

interface AggregationGroup {
  filters: estypes.QueryDslQueryContainer[];
  aggs: Partial<Record<AggregationName, estypes.AggregationsAggregationContainer>>;
}

/**
 * Each facet counts under every facet filter but its own (choosing "flat" still shows how many rooms there
 * are); amenities, being all-of, and the map count under all of them. Aggregations that end up under the
 * same filters share one filter aggregation, so the filters are evaluated once per group, not per facet.
 */
function aggregationGroups(params: SearchParams): AggregationGroup[] {
  const facets = facetFilters(params);
  const except = (name: FacetName) =>
    (Object.keys(facets) as FacetName[]).filter((other) => other !== name).flatMap((other) => facets[other]);
  const all = Object.values(facets).flat();
  const wanted: [
    AggregationName,
    estypes.QueryDslQueryContainer[],
    estypes.AggregationsAggregationContainer,
  ][] = [
    ['type', except('type'), { terms: { field: 'listing.type', size: LISTING_TYPES.length } }],
    ['amenities', all, { terms: { field: 'listing.amenities', size: AMENITIES.length } }],
    ['instantBook', except('instantBook'), { terms: { field: 'listing.instantBook' } }],
    [
      'price',
      except('price'),
      { histogram: { field: 'listing.nightlyPrice', interval: PRICE_HISTOGRAM_INTERVAL, min_doc_count: 1 } },
    ],
  ];
  const box = boxOf(params);
  if (params.map && box) {
    wanted.push([
      'clusters',
      all,
      {
        geotile_grid: {
          field: 'listing.location',
          precision: clusterPrecision(box),
          bounds: boundsOf(box),
          size: 1000,
        },
        aggs: { centre: { geo_centroid: { field: 'listing.location' } } },
      },
    ]);
  }
  const groups = new Map<string, AggregationGroup>();
  for (const [name, filters, aggregation] of wanted) {
    const key = JSON.stringify(filters);
    const group = groups.get(key) ?? { filters, aggs: {} };
    group.aggs[name] = aggregation;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The page of results with its facets, and (for the map) the pins as a second search of the same query. */
export function buildSearches(params: SearchParams): {
  page: estypes.SearchRequest;
  pins?: estypes.SearchRequest;
} {
  const filter: estypes.QueryDslQueryContainer[] = [{ term: { visible: true } }];
  const box = boxOf(params);
  if (box) filter.push({ geo_bounding_box: { 'listing.location': boundsOf(box) } });
  if (params.radiusKm !== undefined && params.lat !== undefined && params.lon !== undefined) {
    filter.push({
      geo_distance: {
        distance: `${params.radiusKm}km`,
        'listing.location': { lat: params.lat, lon: params.lon },
      },
    });
  }
  if (params.guests !== undefined) filter.push({ range: { 'listing.maxGuests': { gte: params.guests } } });
  // Ranges are [from, to) like stays, so a stay ending on the check-in day does not conflict.
  const mustNot: estypes.QueryDslQueryContainer[] =
    params.checkIn && params.checkOut
      ? [{ range: { unavailable: { gte: params.checkIn, lt: params.checkOut, relation: 'intersects' } } }]
      : [];
  const query: estypes.QueryDslQueryContainer = {
    bool: { filter, must_not: mustNot, ...(params.q ? { must: textQuery(params.q) } : {}) },
  };

  const allFacetFilters = Object.values(facetFilters(params)).flat();
  const aggs = Object.fromEntries(
    aggregationGroups(params).map((group, i) => [
      `group${i}`,
      { filter: { bool: { filter: group.filters } }, aggs: group.aggs },
    ]),
  );

  const postFilter = { bool: { filter: allFacetFilters } };
  const sort = sortOf(params);
  const page: estypes.SearchRequest = {
    query,
    post_filter: postFilter,
    sort,
    from: (params.page - 1) * params.size,
    size: params.size,
    track_total_hits: true,
    _source: CARD_FIELDS,
    aggs,
  };
  if (!params.map) return { page };
  return {
    page,
    pins: {
      query,
      post_filter: postFilter,
      sort,
      size: MAX_PINS,
      track_total_hits: false,
      _source: PIN_FIELDS,
    },
  };
}

type Hit = estypes.SearchHit<Partial<ListingDocument>>;

const EARTH_RADIUS_KM = 6371;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine), for the "3.2 km away" on a card. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = radians(b.lat - a.lat);
  const dLon = radians(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

export interface ListingCard {
  id: string;
  title: string;
  titleEn: string | null;
  city: string;
  location: { lat: number; lon: number };
  type: string;
  maxGuests: number;
  bedrooms: number;
  instantBook: boolean;
  nightlyPrice: { amount: number; currency: string };
  rating: { average: number; count: number } | null;
  thumbnailUrl: string | null;
  distanceKm?: number;
}

function cardOf(hit: Hit, params: SearchParams): ListingCard {
  const listing = hit._source!.listing!;
  const rating = hit._source!.rating;
  const card: ListingCard = {
    id: listing.listingId,
    title: listing.title,
    titleEn: listing.titleEn ?? null,
    city: listing.city,
    location: listing.location,
    type: listing.type,
    maxGuests: listing.maxGuests,
    bedrooms: listing.bedrooms,
    instantBook: listing.instantBook,
    nightlyPrice: { amount: listing.nightlyPrice, currency: listing.currency },
    rating: rating ? { average: rating.average, count: rating.count } : null,
    thumbnailUrl: listing.photos?.[0]?.thumbnailUrl ?? null,
  };
  if (params.lat !== undefined && params.lon !== undefined)
    card.distanceKm = Number(distanceKm({ lat: params.lat, lon: params.lon }, listing.location).toFixed(2));
  return card;
}

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  centre?: { location?: { lat: number; lon: number } };
}

function bucketsOf(
  aggregations: Record<string, estypes.AggregationsAggregate> | undefined,
  groups: AggregationGroup[],
  name: AggregationName,
): Bucket[] {
  const group = groups.findIndex((candidate) => name in candidate.aggs);
  const values = aggregations?.[`group${group}`] as Record<string, { buckets?: Bucket[] }> | undefined;
  return values?.[name]?.buckets ?? [];
}

export function toSearchResult(
  params: SearchParams,
  page: estypes.SearchResponse<Partial<ListingDocument>>,
  pins?: estypes.SearchResponse<Partial<ListingDocument>>,
) {
  const total = typeof page.hits.total === 'number' ? page.hits.total : (page.hits.total?.value ?? 0);
  const aggregations = page.aggregations;
  const groups = aggregationGroups(params);
  return {
    total,
    page: params.page,
    size: params.size,
    items: page.hits.hits.map((hit) => cardOf(hit, params)),
    facets: {
      type: bucketsOf(aggregations, groups, 'type').map((b) => ({
        value: String(b.key),
        count: b.doc_count,
      })),
      amenities: bucketsOf(aggregations, groups, 'amenities').map((b) => ({
        value: String(b.key),
        count: b.doc_count,
      })),
      instantBook: bucketsOf(aggregations, groups, 'instantBook').map((b) => ({
        value: b.key_as_string === 'true',
        count: b.doc_count,
      })),
      price: {
        interval: PRICE_HISTOGRAM_INTERVAL,
        buckets: bucketsOf(aggregations, groups, 'price').map((b) => ({
          from: Number(b.key),
          count: b.doc_count,
        })),
      },
    },
    ...(pins
      ? {
          map: {
            pins: pins.hits.hits.map((hit) => {
              const listing = hit._source!.listing!;
              return {
                id: listing.listingId,
                location: listing.location,
                nightlyPrice: { amount: listing.nightlyPrice, currency: listing.currency },
              };
            }),
            pinsTruncated: total > MAX_PINS,
            clusters: bucketsOf(aggregations, groups, 'clusters').map((b) => ({
              tile: String(b.key),
              count: b.doc_count,
              location: b.centre?.location ?? { lat: 0, lon: 0 },
            })),
          },
        }
      : {}),
  };
}

export type SearchResult = ReturnType<typeof toSearchResult>;
