// The answers of the search and geo services, as their OpenAPI documents describe them.

export interface Money {
  amount: number;
  currency: string;
}

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

export interface City {
  id: string;
  name: string;
  nameRu: string | null;
  country: string;
  population: number;
  location: GeoPoint;
  bounds: Bounds;
  timeZone: string | null;
}

export interface ListingCard {
  id: string;
  title: string;
  titleEn: string | null;
  city: string;
  location: GeoPoint;
  type: string;
  maxGuests: number;
  bedrooms: number;
  instantBook: boolean;
  nightlyPrice: Money;
  rating: { average: number; count: number } | null;
  thumbnailUrl: string | null;
}

export interface SearchResult {
  total: number;
  page: number;
  size: number;
  items: ListingCard[];
  facets: {
    type: { value: string; count: number }[];
    instantBook: { value: boolean; count: number }[];
  };
  map?: { pins: { id: string; location: GeoPoint; nightlyPrice: Money }[]; pinsTruncated: boolean };
}

/** A search as the page shows it: with the listings found that the reader saved. */
export interface SearchPage extends SearchResult {
  savedIds: string[];
}

/** The search the page shows, as it travels in the page URL. */
export const SEARCH_PARAMS = [
  'q',
  'north',
  'south',
  'east',
  'west',
  'checkIn',
  'checkOut',
  'guests',
  'minPrice',
  'maxPrice',
  'type',
  'instantBook',
  'sort',
  'page',
] as const;
