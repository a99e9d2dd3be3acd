import { TZDate } from '@date-fns/tz';
import { ApplicationFailure } from '@temporalio/activity';
import {
  ANALYTICS_CONTRACT_EVENTS,
  type BookingApproved,
  type BookingRequested,
} from '@kvartirnsk/lib/analytics-events';
import { nightsBetween } from '@kvartirnsk/lib/dates';
import { domainEvent, enqueueEvent } from '@kvartirnsk/lib/events';
import { countBookingOutcome } from '@kvartirnsk/lib/metrics';
import { money } from '@kvartirnsk/lib/money';
import { PG_EXCLUSION_VIOLATION, pgErrorCode, sql } from '@kvartirnsk/lib/postgres';
import {
  type BookingEnding,
  BookingFailureType,
  type BookingQuote,
  type BookingRequest,
} from '@kvartirnsk/workflows/bookings/contract';
import { type FeeRates, priceStay } from './pricing';
import { stayViolations } from './stay-rules';
import { ACTIVE_BOOKING_STATUSES, type BookingsDb } from './schema';

export const BOOKINGS_EVENT_SOURCE = 'bookings';

/**
 * Makes holds of one listing's dates take turns, for the rest of the transaction. Concurrent inserts that
 * conflict on the exclusion constraint can otherwise wait on each other's speculative insertion (ON CONFLICT) and
 * deadlock: Postgres then aborts one a second, and 50 guests asking for one weekend took a minute. FOR NO KEY
 * UPDATE, unlike FOR UPDATE, still lets the booking's foreign key check read the row.
 */
export async function takeListingsTurn(trx: BookingsDb, listingId: string): Promise<void> {
  await trx.selectFrom('listings').select('id').where('id', '=', listingId).forNoKeyUpdate().execute();
}

export interface BookingActivityDeps {
  db: BookingsDb;
  fees: FeeRates;
}

/** An instant from a calendar date and a wall-clock time in the listing's zone (check-in, check-out). */
function localInstant(date: string, time: string, timeZone: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(year, month - 1, day, hour, minute, 0, timeZone).getTime()).toISOString();
}

export function createBookingActivities({ db, fees }: BookingActivityDeps) {
  return {
    /** Checks the request against the listing and prices it. */
    async quoteStay(request: BookingRequest): Promise<BookingQuote> {
      const listing = await db
        .selectFrom('listings')
        .selectAll()
        .where('id', '=', request.listingId)
        .executeTakeFirst();
      const [violation] = stayViolations(listing, request);
      if (violation || !listing) {
        throw ApplicationFailure.create({
          type: violation?.type ?? BookingFailureType.LISTING_NOT_FOUND,
          message: violation ? `${violation.field}: ${violation.message}` : 'no such listing',
          nonRetryable: true,
        });
      }
      const nights = nightsBetween(request.checkIn, request.checkOut);
      const pricing = priceStay(
        {
          nightly: money(listing.nightly_price_kopecks, listing.currency),
          weekend:
            listing.weekend_price_kopecks === null
              ? undefined
              : money(listing.weekend_price_kopecks, listing.currency),
          cleaningFee: money(listing.cleaning_fee_kopecks, listing.currency),
        },
        request.checkIn,
        request.checkOut,
        fees,
      );
      return {
        listingId: listing.id,
        hostId: listing.host_id,
        nights,
        ...pricing,
        instantBook: listing.instant_book,
        cancellationPolicy: listing.cancellation_policy,
        checkInAt: localInstant(request.checkIn, listing.check_in_time, listing.time_zone),
        checkOutAt: localInstant(request.checkOut, listing.check_out_time, listing.time_zone),
      };
    },

    /**
     * Writes the booking row, which holds the dates: the exclusion constraint refuses an overlapping
     * active booking. Re-running after success is a no-op, so a retried activity never double-books (nor
     * reports the request twice).
     */
    async holdDates(request: BookingRequest, quote: BookingQuote): Promise<void> {
      try {
        await db.transaction().execute(async (trx) => {
          await takeListingsTurn(trx, request.listingId);
          const held = await trx
            .insertInto('bookings')
            .values({
              id: request.bookingId,
              listing_id: request.listingId,
              host_id: quote.hostId,
              guest_id: request.guestId,
              check_in: request.checkIn,
              check_out: request.checkOut,
              guests: request.guests,
              status: 'held',
              total_kopecks: quote.total.amount,
              currency: quote.total.currency,
              payment_intent_id: null,
              failure_reason: null,
              approval_deadline: null,
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!held) return;
          const requested: BookingRequested = {
            bookingId: request.bookingId,
            listingId: request.listingId,
            hostId: quote.hostId,
            checkIn: request.checkIn,
            checkOut: request.checkOut,
            instantBook: quote.instantBook,
          };
          await enqueueEvent(
            trx,
            domainEvent(BOOKINGS_EVENT_SOURCE, ANALYTICS_CONTRACT_EVENTS.bookingRequested, requested),
          );
        });
      } catch (err) {
        if (pgErrorCode(err) === PG_EXCLUSION_VIOLATION) {
          throw ApplicationFailure.create({
            type: BookingFailureType.DATES_UNAVAILABLE,
            message: 'these dates are already booked',
            nonRetryable: true,
          });
        }
        throw err;
      }
    },

    /** A request to book now waits for the host; hosts list these with their deadlines. */
    async awaitApproval(bookingId: string, deadline: string): Promise<void> {
      await db
        .updateTable('bookings')
        .set({
          status: 'awaiting_approval',
          approval_deadline: new Date(deadline),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', bookingId)
        .where('status', '=', 'held')
        .execute();
    },

    /**
     * Only a request to book has an approval deadline, so confirming one means its host approved it: the
     * approval is reported here, where the row changes, because the workflow's approve Update runs no activity.
     */
    async confirmBooking(bookingId: string, paymentIntentId: string): Promise<void> {
      const confirmed = await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('bookings')
          .set({ status: 'confirmed', payment_intent_id: paymentIntentId, updated_at: sql<Date>`now()` })
          .where('id', '=', bookingId)
          .where('status', 'in', ['held', 'awaiting_approval'])
          .returningAll()
          .executeTakeFirst();
        if (!row) return false;
        if (row.approval_deadline !== null) {
          const approved: BookingApproved = { bookingId, listingId: row.listing_id };
          await enqueueEvent(
            trx,
            domainEvent(BOOKINGS_EVENT_SOURCE, ANALYTICS_CONTRACT_EVENTS.bookingApproved, approved),
          );
        }
        await enqueueEvent(
          trx,
          domainEvent(BOOKINGS_EVENT_SOURCE, 'booking.confirmed', {
            bookingId,
            listingId: row.listing_id,
            hostId: row.host_id,
            guestId: row.guest_id,
            checkIn: row.check_in,
            checkOut: row.check_out,
            total: { amount: row.total_kopecks, currency: row.currency },
          }),
        );
        return true;
      });
      if (confirmed) countBookingOutcome('confirmed');
    },

    /**
     * Frees the dates of a booking that ends before the stay (declined, expired, cancelled, failed): the
     * compensation of holdDates. Its final status leaves the exclusion constraint, so the nights reopen.
     */
    async releaseDates(bookingId: string, ending: BookingEnding, reason: string): Promise<void> {
      const releasedNow = await db.transaction().execute(async (trx) => {
        const released = await trx
          .updateTable('bookings')
          .set({ status: ending, failure_reason: reason, updated_at: sql<Date>`now()` })
          .where('id', '=', bookingId)
          .where('status', 'in', ACTIVE_BOOKING_STATUSES)
          .returning(['listing_id', 'check_in', 'check_out'])
          .executeTakeFirst();
        if (!released) return false;
        await enqueueEvent(
          trx,
          domainEvent(BOOKINGS_EVENT_SOURCE, `booking.${ending}`, {
            bookingId,
            listingId: released.listing_id,
            checkIn: released.check_in,
            checkOut: released.check_out,
            reason,
          }),
        );
        return true;
      });
      if (releasedNow) countBookingOutcome(ending);
    },

    async completeStay(bookingId: string): Promise<void> {
      const completedNow = await db.transaction().execute(async (trx) => {
        const completed = await trx
          .updateTable('bookings')
          .set({ status: 'completed', updated_at: sql<Date>`now()` })
          .where('id', '=', bookingId)
          .where('status', '=', 'confirmed')
          .returning(['listing_id'])
          .executeTakeFirst();
        if (!completed) return false;
        await enqueueEvent(
          trx,
          domainEvent(BOOKINGS_EVENT_SOURCE, 'booking.completed', {
            bookingId,
            listingId: completed.listing_id,
          }),
        );
        return true;
      });
      if (completedNow) countBookingOutcome('completed');
    },
  };
}
