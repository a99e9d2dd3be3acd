import { z } from 'zod';
import { ANALYTICS_CONTRACT_EVENTS, citySchema } from '@kvartirnsk/lib/analytics-events';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import { LISTING_EVENTS, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { moneySchema } from '@kvartirnsk/lib/money-schema';
import { withoutNul } from '@kvartirnsk/lib/text';
import { MODERATION_ESCALATED_EVENT } from '@kvartirnsk/activities/listings/listing';

/**
 * The events analytics aggregates, and the data it reads from each (version 1). Producers may add fields;
 * analytics ignores what it does not read. The events that exist only for analytics (searches, views, the
 * funnel's requested and approved steps) have their schemas in lib/analytics-events.ts, shared with their
 * producers. Events marked "contract" are defined here first: no service emits them yet, and their producers
 * should move these schemas there when they start to.
 */
export const ANALYTICS_EVENTS = {
  ...ANALYTICS_CONTRACT_EVENTS,
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
  ANALYTICS_CONTRACT_EVENTS.searchPerformed,
  ANALYTICS_CONTRACT_EVENTS.listingViewed,
  'booking.*',
  LISTING_EVENTS.published,
  LISTING_EVENTS.updated,
  'listing.submitted',
  'listing.rejected',
  MODERATION_ESCALATED_EVENT,
];

const id = withoutNul(z.string().min(1).max(200));

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
  .extend({ listingId: id, city: citySchema });

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
