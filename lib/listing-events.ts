import { z } from 'zod';
import { currencySchema, kopecksSchema } from './money-schema';

/**
 * The listing events every consumer shares (bookings' replica, the search indexer, analytics). The listings
 * service produces them; consumers parse with these schemas and ignore fields they do not need, so adding a
 * field is compatible and removing or retyping one needs a new version.
 */
export const LISTING_EVENTS = {
  /** A listing became (or stays, after a re-moderated edit) visible: data is a PublishedListing. */
  published: 'listing.published',
  /** A published listing changed in a way that needs no moderation (price, calendar): data is a PublishedListing. */
  updated: 'listing.updated',
  /** A listing left search (rejected after an edit, archived by its host, hidden by an admin): { listingId, reason }. */
  unpublished: 'listing.unpublished',
  /** The reviews service recomputed a listing's rating: data is a ListingRating. */
  ratingUpdated: 'listing.rating_updated',
} as const;

export const LISTING_TYPES = ['flat', 'room', 'house'] as const;
export const CANCELLATION_POLICY_NAMES = ['flexible', 'moderate', 'firm', 'strict'] as const;
export const AMENITIES = [
  'wifi',
  'kitchen',
  'washer',
  'dryer',
  'dishwasher',
  'air_conditioning',
  'heating',
  'tv',
  'workspace',
  'elevator',
  'parking',
  'balcony',
  'sea_view',
  'pets_allowed',
  'smoking_allowed',
  'family_friendly',
  'self_check_in',
] as const;

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const isoDate = z.iso.date();

export const geoPointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

/** Nights a host closed in the calendar: [from, to), like a stay (the `to` day is free again). */
export const calendarBlockSchema = z.object({ from: isoDate, to: isoDate });

export const listingPhotoSchema = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  thumbnailUrl: z.string().min(1),
});

/** Version 1 of listing.published / listing.updated: everything a guest may see about a listing. */
export const publishedListingSchema = z.object({
  listingId: z.string().min(1),
  hostId: z.string().min(1),
  /** Grows with every published change, so consumers can drop an event older than what they hold. */
  revision: z.number().int().nonnegative(),
  type: z.enum(LISTING_TYPES),
  /** Russian is the default language; English is optional. */
  title: z.string().min(1),
  titleEn: z.string().nullable().default(null),
  description: z.string().default(''),
  descriptionEn: z.string().nullable().default(null),
  city: z.string().min(1),
  address: z.string().default(''),
  location: geoPointSchema,
  timeZone: z.string().default('Europe/Moscow'),
  maxGuests: z.number().int().positive(),
  bedrooms: z.number().int().nonnegative().default(1),
  beds: z.number().int().nonnegative().default(1),
  bathrooms: z.number().int().nonnegative().default(1),
  amenities: z.array(z.enum(AMENITIES)).default([]),
  houseRules: z.string().default(''),
  checkInTime: time.default('15:00'),
  checkOutTime: time.default('12:00'),
  photos: z.array(listingPhotoSchema).default([]),
  currency: currencySchema,
  nightlyPrice: kopecksSchema.positive(),
  weekendPrice: kopecksSchema.positive().nullable().default(null),
  cleaningFee: kopecksSchema.nonnegative().default(0),
  minNights: z.number().int().positive().default(1),
  maxNights: z.number().int().positive().default(365),
  cancellationPolicy: z.enum(CANCELLATION_POLICY_NAMES).default('moderate'),
  instantBook: z.boolean().default(false),
  calendarBlocks: z.array(calendarBlockSchema).default([]),
  publishedAt: z.iso.datetime({ offset: true }),
});

export type PublishedListing = z.infer<typeof publishedListingSchema>;
/** What a producer writes (fields with defaults may be left out). */
export type PublishedListingInput = z.input<typeof publishedListingSchema>;

export const listingUnpublishedSchema = z.object({
  listingId: z.string().min(1),
  reason: z.string().default(''),
});

/** Version 1 of listing.rating_updated: the average of published guest reviews (1–5) and how many there are. */
export const listingRatingSchema = z.object({
  listingId: z.string().min(1),
  hostId: z.string().min(1),
  average: z.number().min(1).max(5),
  count: z.number().int().positive(),
});

export type ListingRating = z.infer<typeof listingRatingSchema>;
