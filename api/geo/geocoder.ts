import { z } from 'zod';
import type { CitySearch } from './gazetteer';
import type { City } from './openapi';

/** An external place search the gazetteer falls back on for places it does not know. */
export interface Geocoder {
  search(search: CitySearch): Promise<City[]>;
}

export interface NominatimOptions {
  /** The base URL, e.g. https://nominatim.openstreetmap.org/ or a self-hosted instance. */
  baseUrl: string;
  /** Nominatim's usage policy asks every application to identify itself. */
  userAgent: string;
  timeoutMs: number;
}

const coordinate = z.coerce.number();

// Only the fields used; format=jsonv2 has many more.
const nominatimPlacesSchema = z.array(
  z.object({
    osm_type: z.string(),
    osm_id: z.number(),
    lat: coordinate,
    lon: coordinate,
    name: z.string().optional(),
    display_name: z.string(),
    /** [south, north, west, east] as strings. */
    boundingbox: z.tuple([coordinate, coordinate, coordinate, coordinate]),
    address: z.object({ country_code: z.string().optional() }).optional(),
    extratags: z.record(z.string(), z.string()).nullish(),
  }),
);

/** A Nominatim-compatible /search endpoint (OpenStreetMap's, or a self-hosted one). */
export class NominatimGeocoder implements Geocoder {
  constructor(private readonly options: NominatimOptions) {}

  async search({ query, limit, country }: CitySearch): Promise<City[]> {
    const url = new URL(
      'search',
      this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    url.search = new URLSearchParams({
      q: query,
      format: 'jsonv2',
      featureType: 'settlement',
      addressdetails: '1',
      extratags: '1',
      limit: String(limit),
      'accept-language': 'en',
      ...(country ? { countrycodes: country.toLowerCase() } : {}),
    }).toString();
    const response = await fetch(url, {
      headers: { accept: 'application/json', 'user-agent': this.options.userAgent },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`geocoder answered ${response.status}`);
    return nominatimPlacesSchema.parse(await response.json()).map((place) => {
      const [south, north, west, east] = place.boundingbox;
      const population = Number.parseInt(place.extratags?.population ?? '', 10);
      return {
        id: `nominatim:${place.osm_type}:${place.osm_id}`,
        name: place.name || place.display_name,
        nameRu: null,
        country: (place.address?.country_code ?? '').toUpperCase(),
        population: Number.isSafeInteger(population) ? population : 0,
        location: { lat: place.lat, lon: place.lon },
        bounds: { south, west, north, east },
        timeZone: null,
      };
    });
  }
}
