import { z } from 'zod';
import { CANCELLATION_POLICIES } from '@kvartirnsk/workflows/bookings/cancellation-policy';
import type { DomainEvent } from '@kvartirnsk/lib/events';
import { currencySchema, kopecksSchema } from '@kvartirnsk/lib/money-schema';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import type { Kysely } from '@kvartirnsk/lib/postgres';

/** The listing events the replica follows; the listings service publishes them. */
export const LISTING_EVENT_BINDINGS = ['listing.published', 'listing.updated', 'listing.unpublished'];

export const BOOKINGS_LISTINGS_QUEUE = 'bookings.listings';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** The part of a listing that booking needs; version 1 of listing.published / listing.updated. */
export const listingSnapshotSchema = z.object({
  listingId: z.string().min(1),
  hostId: z.string().min(1),
  title: z.string(),
  currency: currencySchema,
  nightlyPrice: kopecksSchema.positive(),
  weekendPrice: kopecksSchema.positive().nullable().default(null),
  cleaningFee: kopecksSchema.nonnegative().default(0),
  maxGuests: z.number().int().positive(),
  minNights: z.number().int().positive().default(1),
  maxNights: z.number().int().positive().default(365),
  instantBook: z.boolean().default(false),
  timeZone: z.string().default('Europe/Moscow'),
  checkOutTime: time.default('12:00'),
  checkInTime: time.default('15:00'),
  cancellationPolicy: z.enum(CANCELLATION_POLICIES).default('moderate'),
});

/** A listing event's data as a producer writes it (fields with defaults may be left out). */
export type ListingSnapshot = z.input<typeof listingSnapshotSchema>;

/** Applies one listing event to the replica; safe to re-apply (upsert by id). */
export async function applyListingEvent(db: Kysely<BookingsDatabase>, event: DomainEvent): Promise<void> {
  if (event.type === 'listing.unpublished') {
    const { listingId } = z.object({ listingId: z.string() }).parse(event.data);
    await db.updateTable('listings').set({ published: false }).where('id', '=', listingId).execute();
    return;
  }
  const listing = listingSnapshotSchema.parse(event.data);
  const row = {
    id: listing.listingId,
    host_id: listing.hostId,
    title: listing.title,
    currency: listing.currency,
    nightly_price_kopecks: listing.nightlyPrice,
    weekend_price_kopecks: listing.weekendPrice,
    cleaning_fee_kopecks: listing.cleaningFee,
    max_guests: listing.maxGuests,
    min_nights: listing.minNights,
    max_nights: listing.maxNights,
    instant_book: listing.instantBook,
    time_zone: listing.timeZone,
    check_out_time: listing.checkOutTime,
    check_in_time: listing.checkInTime,
    cancellation_policy: listing.cancellationPolicy,
    published: true,
  };
  await db
    .insertInto('listings')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, updated_at: new Date() }))
    .execute();
}
