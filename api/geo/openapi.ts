import { z } from 'zod';

// Response bodies of the geo service, as its OpenAPI document describes them (requests are in app.ts).

export const geoPointSchema = z.object({ lat: z.number(), lon: z.number() });

export const boundsSchema = z.object({
  south: z.number(),
  west: z.number(),
  north: z.number(),
  east: z.number(),
});

export const citySchema = z.object({
  /** The GeoNames id, or `<geocoder>:<its id>` for a place only the external geocoder knows. */
  id: z.string(),
  /** English (Latin) name. */
  name: z.string(),
  /** Russian name; known for the Russian cities the marketplace lists. */
  nameRu: z.string().nullable(),
  /** ISO 3166-1 alpha-2. */
  country: z.string(),
  population: z.number().int(),
  location: geoPointSchema,
  /** An estimate from the population unless the geocoder gave a real box: see api/geo/bounds.ts. */
  bounds: boundsSchema,
  /** IANA zone; known for the curated Russian cities. */
  timeZone: z.string().nullable(),
});

export type City = z.infer<typeof citySchema>;

export const citySearchResultSchema = z.object({ items: z.array(citySchema) });

export const reverseResultSchema = z.object({ city: citySchema, distanceKm: z.number() });

export const geoComponents = { City: citySchema };
