import { z } from 'zod';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import { LISTING_EVENTS, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { moneySchema } from '@kvartirnsk/lib/money';
import { withoutNul } from '@kvartirnsk/lib/text';
import { MODERATION_ESCALATED_EVENT } from '@kvartirnsk/activities/listings/listing';

/**
 * The events analytics aggregates, and the data it reads from each (version 1). Producers may add fields;
 * analytics ignores what it does not read. Events marked "contract" are defined here first: no service emits
 * them yet, and their producers should import these schemas (or move them to lib/ beside listing-events.ts)
 * when they start to.
 */
export const ANALYTICS_EVENTS = {
  /** Contract: the search service ran a guest's search. */
  searchPerformed: 'search.performed',
  /** Contract: a guest opened a listing's page. */
  listingViewed: 'listing.viewed',
  /** Contract: a booking's dates are held and it enters the flow (Instant Book or a request to the host). */
  bookingRequested: 'booking.requested',
  /** Contract: the host (or an admin) approved a request to book. */
  bookingApproved: 'booking.approved',
  bookingConfirmed: 'booking.confirmed',
  bookingCompleted: 'booking.completed',
  bookingDeclined: 'booking.declined',
  bookingExpired: 'booking.expired',
  bookingCancelled: 'booking.cancelled',
  bookingFailed: 'booking.failed',
  listingPublished: LISTING_EVENTS.published,
  listingUpdated: LISTING_EVENTS.updated,
  /** Contract: a host submitted a content revision for moderation. */
  listingSubmitted: 'listing.submitted',
  /** Contract: moderation rejected a content revision. */
  listingRejected: 'listing.rejected',
  listingModerationEscalated: MODERATION_ESCALATED_EVENT,
} as const;

/** The booking outcomes before or instead of a stay; each is emitted as `booking.<ending>`. */
export const BOOKING_ENDINGS = ['declined', 'expired', 'cancelled', 'failed'] as const;
export type BookingEnding = (typeof BOOKING_ENDINGS)[number];

export const ANALYTICS_EVENT_BINDINGS = [
  'search.performed',
  'listing.viewed',
  'booking.*',
  LISTING_EVENTS.published,
  LISTING_EVENTS.updated,
  'listing.submitted',
  'listing.rejected',
  MODERATION_ESCALATED_EVENT,
];

const id = withoutNul(z.string().min(1).max(200));
const city = withoutNul(z.string().trim().min(1).max(200));

/** Contract, version 1 of search.performed: the search as the search service resolved it. */
export const searchPerformedSchema = z.object({
  city,
  checkIn: isoDateSchema.nullable().default(null),
  guests: z.number().int().positive().nullable().default(null),
  /** How many listings the search found. */
  results: z.number().int().nonnegative(),
});

/** Contract, version 1 of listing.viewed. */
export const listingViewedSchema = z.object({ listingId: id });

/** Contract, version 1 of booking.requested, emitted with the held dates (bookings' holdDates). */
export const bookingRequestedSchema = z.object({
  bookingId: id,
  listingId: id,
  hostId: id,
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
  /** A request to book waits for the host; only those count towards host response times. */
  instantBook: z.boolean(),
});

/** Contract, version 1 of booking.approved. */
export const bookingApprovedSchema = z.object({ bookingId: id, listingId: id });

/**
 * Version 1 of booking.confirmed (activities/bookings). `serviceFee` and `hostFee` are proposed additions:
 * while the producer leaves them out, analytics derives them from the total with the configured rates.
 */
export const bookingConfirmedSchema = z.object({
  bookingId: id,
  listingId: id,
  hostId: id,
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
  total: moneySchema,
  serviceFee: moneySchema.optional(),
  hostFee: moneySchema.optional(),
});

/** Version 1 of booking.completed. */
export const bookingCompletedSchema = z.object({ bookingId: id, listingId: id });

/** Version 1 of booking.declined / expired / cancelled / failed. */
export const bookingEndedSchema = z.object({
  bookingId: id,
  listingId: id,
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
});

/** The part of listing.published / listing.updated analytics keeps: where the listing is. */
export const listingPlaceSchema = publishedListingSchema
  .pick({ hostId: true, revision: true })
  .extend({ listingId: id, city });

/** Contract, version 1 of listing.submitted. */
export const listingSubmittedSchema = z.object({
  listingId: id,
  contentRevision: z.number().int().positive(),
});

/** Contract, version 1 of listing.rejected. */
export const listingRejectedSchema = z.object({
  listingId: id,
  contentRevision: z.number().int().positive(),
  reason: z.string().default(''),
});

/** listing.moderation_escalated (activities/listings): `awaitingSince` is when the revision reached admins. */
export const moderationEscalatedSchema = z.object({
  listingId: id,
  contentRevision: z.number().int().positive(),
  awaitingSince: z.iso.datetime({ offset: true }).nullable(),
});
