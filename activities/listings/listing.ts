import { type Connection, type Model, Schema } from 'mongoose';
import { z } from 'zod';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import { domainEvent, type DomainEvent } from '@kvartirnsk/lib/events';
import {
  AMENITIES,
  CANCELLATION_POLICY_NAMES,
  geoPointSchema,
  LISTING_TYPES,
  type PublishedListing,
  publishedListingSchema,
} from '@kvartirnsk/lib/listing-events';
import { currencySchema, kopecksSchema } from '@kvartirnsk/lib/money-schema';
import { pendingEventsDefinition, type WithPendingEvents } from '@kvartirnsk/lib/mongo-outbox';
import { withoutNul } from '@kvartirnsk/lib/text';
import type {
  CheckFailure,
  ModerationStatus,
  ModerationVerdict,
} from '@kvartirnsk/workflows/moderation/contract';

export const LISTINGS_EVENT_SOURCE = 'listings';

/** Admins are told when a listing waited too long for review; not a listing-contract event, only theirs. */
export const MODERATION_ESCALATED_EVENT = 'listing.moderation_escalated';

/** The largest price a listing may be saved with at all (100 million roubles); moderation's range is narrower. */
const MAX_PRICE_KOPECKS = 10_000_000_000;
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time in HH:MM form');
const text = (max: number) => withoutNul(z.string().trim().max(max));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const calendarBlocksSchema = z
  .array(
    z
      .object({ from: isoDateSchema, to: isoDateSchema })
      .strict()
      .refine((block) => block.to > block.from, { path: ['to'], message: 'must be after from' }),
  )
  .max(500);

/**
 * Everything a host writes about a listing. The fields the published-listing contract needs are required
 * here already; whether the text, photos and place are good enough is moderation's call (checks.ts).
 */
export const listingFieldsSchema = z
  .object({
    type: z.enum(LISTING_TYPES),
    title: text(120).min(1),
    titleEn: text(120).min(1).nullable().default(null),
    description: text(5000).min(1),
    descriptionEn: text(5000).min(1).nullable().default(null),
    city: text(100).min(1),
    address: text(300).default(''),
    location: geoPointSchema.strict(),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Moscow'),
    maxGuests: z.number().int().min(1).max(50),
    bedrooms: z.number().int().min(0).max(50).default(1),
    beds: z.number().int().min(0).max(100).default(1),
    bathrooms: z.number().int().min(0).max(50).default(1),
    amenities: z
      .array(z.enum(AMENITIES))
      .default([])
      .refine((list) => new Set(list).size === list.length, 'must not repeat an amenity'),
    houseRules: text(2000).default(''),
    checkInTime: time.default('15:00'),
    checkOutTime: time.default('12:00'),
    currency: currencySchema.default('RUB'),
    nightlyPrice: kopecksSchema.positive().max(MAX_PRICE_KOPECKS),
    weekendPrice: kopecksSchema.positive().max(MAX_PRICE_KOPECKS).nullable().default(null),
    cleaningFee: kopecksSchema.nonnegative().max(MAX_PRICE_KOPECKS).default(0),
    minNights: z.number().int().min(1).max(365).default(1),
    maxNights: z.number().int().min(1).max(365).default(365),
    cancellationPolicy: z.enum(CANCELLATION_POLICY_NAMES).default('moderate'),
    instantBook: z.boolean().default(false),
    calendarBlocks: calendarBlocksSchema.default([]),
  })
  .strict();

const nightsInOrder = (fields: { minNights?: number; maxNights?: number }) =>
  fields.minNights === undefined || fields.maxNights === undefined || fields.minNights <= fields.maxNights;

/** A whole listing as a host submits it, or as it is after a patch is applied. */
export const validListingFieldsSchema = listingFieldsSchema.refine(nightsInOrder, {
  path: ['maxNights'],
  message: 'must not be less than minNights',
});

/** A partial edit: any fields, none defaulted (a field left out stays as it was); null clears the optional ones. */
export const listingPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(listingFieldsSchema.shape).map(([field, schema]) => [
        field,
        (schema instanceof z.ZodDefault ? schema.removeDefault() : schema).optional(),
      ]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<z.infer<typeof listingFieldsSchema>>>;

export type ListingFields = z.infer<typeof listingFieldsSchema>;
export type ListingField = keyof ListingFields;

/** Changes guests may see at once: the calendar and the terms of a stay. Prices only within the sane range. */
const TERMS_FIELDS: readonly ListingField[] = [
  'calendarBlocks',
  'nightlyPrice',
  'weekendPrice',
  'cleaningFee',
  'minNights',
  'maxNights',
  'cancellationPolicy',
  'instantBook',
];
const PRICE_FIELDS: readonly ListingField[] = ['nightlyPrice', 'weekendPrice', 'cleaningFee'];

export interface PriceRange {
  min: number;
  max: number;
}

/**
 * Whether changing these fields needs a new moderation: anything about the place, its text, photos, rules or
 * capacity does; calendar, booking terms and prices inside the sane range do not.
 */
export function isMaterialChange(
  changed: readonly ListingField[],
  after: ListingFields,
  nightlyPriceRange: PriceRange,
): boolean {
  const priceSane = (price: number | null) =>
    price === null || (price >= nightlyPriceRange.min && price <= nightlyPriceRange.max);
  return changed.some((field) => {
    if (!TERMS_FIELDS.includes(field)) return true;
    if (!PRICE_FIELDS.includes(field) || field === 'cleaningFee') return false;
    return !priceSane(after[field] as number | null);
  });
}

export interface ListingPhoto {
  id: string;
  /** Names in photo storage. */
  file: string;
  thumbnailFile: string;
  width: number;
  height: number;
}

/**
 * Where the listing's latest content revision stands: what its moderation workflow reported, or `withdrawn`
 * when the host or an admin took the listing out of search (it returns through a resubmission).
 */
export const LISTING_MODERATION_STATUSES = [
  'checking',
  'awaiting_review',
  'escalated',
  'approved',
  'rejected',
  'withdrawn',
] as const satisfies ReadonlyArray<ModerationStatus | 'withdrawn'>;
export type ListingModerationStatus = (typeof LISTING_MODERATION_STATUSES)[number];

/** The moderation of the listing's latest content revision, as the workflow reports it. */
export interface ModerationRecord {
  contentRevision: number;
  workflowId: string;
  status: ListingModerationStatus;
  failures: CheckFailure[];
  /** When it started waiting for an admin, and whether admins were alerted that it waits too long. */
  awaitingSince?: string;
  escalated: boolean;
  verdict?: ModerationVerdict & { at: string };
  updatedAt: string;
}

export interface ListingDocument extends WithPendingEvents {
  _id: string;
  hostId: string;
  /** The host's latest version; guests see `published`, which moderation copies from it. */
  draft: ListingFields;
  photos: ListingPhoto[];
  /** Grows with every change; published events carry it, so consumers can drop older ones. */
  revision: number;
  /** Grows with every material change; a moderation workflow runs per content revision. */
  contentRevision: number;
  published: PublishedListing | null;
  moderation: ModerationRecord;
  createdAt: Date;
  updatedAt: Date;
}

export type ListingModel = Model<ListingDocument>;

// Untyped on purpose: the nested parts are validated with zod at the boundary and stored as they are, and
// mongoose's typed definitions do not accept arrays of Mixed; the model below carries the document type.
const listingSchema = new Schema(
  {
    _id: { type: String, required: true },
    hostId: { type: String, required: true, index: true },
    draft: { type: Schema.Types.Mixed, required: true },
    photos: { type: [Schema.Types.Mixed], default: [] },
    revision: { type: Number, required: true },
    contentRevision: { type: Number, required: true },
    published: { type: Schema.Types.Mixed, default: null },
    moderation: { type: Schema.Types.Mixed, required: true },
    pendingEvents: pendingEventsDefinition,
  },
  { timestamps: true, minimize: false, versionKey: false },
);
listingSchema.index({ 'moderation.status': 1, _id: 1 });

export function listingModel(connection: Connection): ListingModel {
  return connection.model<ListingDocument>('Listing', listingSchema, 'listings');
}

export interface PhotoUrls {
  /** Public URL prefix of stored photo files, e.g. `/api/listings/photos`. */
  photoBaseUrl: string;
}

export function photoView(photo: ListingPhoto, urls: PhotoUrls) {
  return {
    id: photo.id,
    url: `${urls.photoBaseUrl}/${photo.file}`,
    thumbnailUrl: `${urls.photoBaseUrl}/${photo.thumbnailFile}`,
  };
}

/** What guests see of the listing's current draft, as the revision that is about to be published. */
export function publishedSnapshot(
  listing: Pick<ListingDocument, '_id' | 'hostId' | 'draft' | 'photos'>,
  revision: number,
  urls: PhotoUrls,
  publishedAt: Date,
): PublishedListing {
  return publishedListingSchema.parse({
    ...listing.draft,
    listingId: listing._id,
    hostId: listing.hostId,
    revision,
    photos: listing.photos.map((photo) => photoView(photo, urls)),
    publishedAt: publishedAt.toISOString(),
  });
}

export function listingEvent(type: string, data: Record<string, unknown>, at = new Date()): DomainEvent {
  return domainEvent(LISTINGS_EVENT_SOURCE, type, data, 1, at);
}
