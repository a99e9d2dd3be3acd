import { z } from 'zod';
import { moneySchema } from '@kvartirnsk/lib/money-schema';
import { geoPointSchema } from '@kvartirnsk/lib/listing-events';

// Response bodies of the search service, as its OpenAPI document describes them (the query is in
// listing-search.ts); search.int.test.ts checks real answers parse against them.

export const listingCardSchema = z.object({
  id: z.string(),
  title: z.string(),
  titleEn: z.string().nullable(),
  city: z.string(),
  location: geoPointSchema,
  type: z.string(),
  maxGuests: z.number().int(),
  bedrooms: z.number().int(),
  instantBook: z.boolean(),
  nightlyPrice: moneySchema,
  rating: z.object({ average: z.number(), count: z.number().int() }).nullable(),
  thumbnailUrl: z.string().nullable(),
  /** Present when the search gave a point (lat, lon). */
  distanceKm: z.number().optional(),
});

const countOf = <Value extends z.ZodType>(value: Value) => z.object({ value, count: z.number().int() });

export const searchResultSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  size: z.number().int(),
  items: z.array(listingCardSchema),
  /** Counts for each filter's choices; a facet's counts ignore its own selection, so choices stay comparable. */
  facets: z.object({
    type: z.array(countOf(z.string())),
    amenities: z.array(countOf(z.string())),
    instantBook: z.array(countOf(z.boolean())),
    price: z.object({
      interval: z.number().int(),
      buckets: z.array(z.object({ from: z.number().int(), count: z.number().int() })),
    }),
  }),
  /** With map=true: the first pins in the chosen order, and clusters (web-map tiles) over the visible box. */
  map: z
    .object({
      pins: z.array(z.object({ id: z.string(), location: geoPointSchema, nightlyPrice: moneySchema })),
      pinsTruncated: z.boolean(),
      clusters: z.array(z.object({ tile: z.string(), count: z.number().int(), location: geoPointSchema })),
    })
    .optional(),
});

export const searchComponents = {
  ListingCard: listingCardSchema,
  SearchResult: searchResultSchema,
  Money: moneySchema,
};
