import type { z } from 'zod';
import type { FeeRates } from '@kvartirnsk/activities/bookings/pricing';
import {
  bookingApprovedSchema,
  bookingRequestedSchema,
  listingViewedSchema,
  searchPerformedSchema,
} from '@kvartirnsk/lib/analytics-events';
import { consumeEvents, type DomainEvent, type EventBus, type Subscription } from '@kvartirnsk/lib/events';
import type { Logger } from '@kvartirnsk/lib/logger';
import { sql } from '@kvartirnsk/lib/postgres';
import {
  ANALYTICS_EVENT_BINDINGS,
  ANALYTICS_EVENTS,
  BOOKING_ENDINGS,
  type BookingEnding,
  bookingCompletedSchema,
  bookingConfirmedSchema,
  bookingEndedSchema,
  listingPlaceSchema,
  listingRejectedSchema,
  listingSubmittedSchema,
  moderationEscalatedSchema,
} from './contracts';
import { deriveFees } from './fees';
import { type AnalyticsDb, type BookingFactTable, REPORTING_TIME_ZONE } from './schema';

/** The durable queue of the analytics service; also its consumer name in processed_events. */
export const ANALYTICS_EVENTS_QUEUE = 'analytics.events';

/** The Moscow calendar day of an instant, computed by Postgres so every table agrees on it. */
const reportingDay = (at: Date) =>
  sql<string>`(${at}::timestamptz AT TIME ZONE ${REPORTING_TIME_ZONE})::date`;

type BookingFact = Pick<BookingFactTable, 'booking_id' | 'listing_id'> &
  Partial<Omit<BookingFactTable, 'booking_id' | 'listing_id' | 'first_seen_at'>>;

/** A value already known stays; a missing one is filled in by whichever event brings it. */
const kept = <Column extends keyof BookingFactTable>(column: Column) =>
  sql<
    BookingFactTable[Column]
  >`coalesce(${sql.ref(`booking_facts.${column}`)}, ${sql.ref(`excluded.${column}`)})`;
/** The earliest report of a step wins (Postgres's least ignores nulls), whatever order events arrive in. */
const earliest = <Column extends keyof BookingFactTable>(column: Column) =>
  sql<
    BookingFactTable[Column]
  >`least(${sql.ref(`booking_facts.${column}`)}, ${sql.ref(`excluded.${column}`)})`;

/** Merges what one event says about a booking into its row; merging the same facts again changes nothing. */
async function recordBookingFacts(db: AnalyticsDb, seenAt: Date, fact: BookingFact): Promise<void> {
  await db
    .insertInto('booking_facts')
    .values({ ...fact, first_seen_at: seenAt })
    .onConflict((oc) =>
      oc.column('booking_id').doUpdateSet({
        host_id: kept('host_id'),
        check_in: kept('check_in'),
        check_out: kept('check_out'),
        instant_book: kept('instant_book'),
        currency: kept('currency'),
        total_kopecks: kept('total_kopecks'),
        service_fee_kopecks: kept('service_fee_kopecks'),
        host_fee_kopecks: kept('host_fee_kopecks'),
        ending: kept('ending'),
        first_seen_at: earliest('first_seen_at'),
        requested_at: earliest('requested_at'),
        approved_at: earliest('approved_at'),
        confirmed_at: earliest('confirmed_at'),
        completed_at: earliest('completed_at'),
        ended_at: earliest('ended_at'),
      }),
    )
    .execute();
}

async function recordSubmission(db: AnalyticsDb, listingId: string, contentRevision: number, at: Date) {
  await db
    .insertInto('moderation_submissions')
    .values({ listing_id: listingId, content_revision: contentRevision, submitted_at: at })
    .onConflict((oc) =>
      oc.columns(['listing_id', 'content_revision']).doUpdateSet({
        submitted_at: sql`least(moderation_submissions.submitted_at, excluded.submitted_at)`,
      }),
    )
    .execute();
}

async function recordListingPlace(db: AnalyticsDb, place: z.infer<typeof listingPlaceSchema>) {
  await db
    .insertInto('listing_places')
    .values({
      listing_id: place.listingId,
      host_id: place.hostId,
      city: place.city,
      revision: place.revision,
    })
    .onConflict((oc) =>
      oc
        .column('listing_id')
        .doUpdateSet((eb) => ({
          host_id: eb.ref('excluded.host_id'),
          city: eb.ref('excluded.city'),
          revision: eb.ref('excluded.revision'),
        }))
        .where('listing_places.revision', '<', (eb) => eb.ref('excluded.revision')),
    )
    .execute();
}

type Apply = (db: AnalyticsDb, event: DomainEvent, at: Date) => Promise<void>;

export interface AnalyticsProjectionDeps {
  /** The rates fees are derived with while booking.confirmed does not carry them. */
  fees: FeeRates;
  logger: Logger;
}

/**
 * Applies one domain event to the aggregates, inside the consumer's dedupe transaction. Data that does not
 * match its contract is logged and skipped: it would fail the same way on every redelivery.
 */
export function createAnalyticsProjection({ fees, logger }: AnalyticsProjectionDeps) {
  const parsed =
    <Schema extends z.ZodType>(
      schema: Schema,
      apply: (db: AnalyticsDb, data: z.infer<Schema>, at: Date, event: DomainEvent) => Promise<void>,
    ): Apply =>
    async (db, event, at) => {
      const result = schema.safeParse(event.data);
      if (!result.success) {
        logger.warn(
          { eventId: event.id, type: event.type, issues: result.error.issues },
          'skipping an event whose data breaks its contract',
        );
        return;
      }
      await apply(db, result.data, at, event);
    };

  const ended = (ending: BookingEnding) =>
    parsed(bookingEndedSchema, (db, data, at) =>
      recordBookingFacts(db, at, {
        booking_id: data.bookingId,
        listing_id: data.listingId,
        check_in: data.checkIn,
        check_out: data.checkOut,
        ending,
        ended_at: at,
      }),
    );

  const applyByType: Record<string, Apply> = {
    [ANALYTICS_EVENTS.searchPerformed]: parsed(searchPerformedSchema, async (db, data, at) => {
      const withGuests = data.guests === null ? 0 : 1;
      await db
        .insertInto('searches_daily')
        .values({
          day: reportingDay(at),
          city: data.city,
          searches: 1,
          zero_result_searches: data.results === 0 ? 1 : 0,
          results_total: data.results,
          guests_total: data.guests ?? 0,
          searches_with_guests: withGuests,
        })
        .onConflict((oc) =>
          oc.columns(['day', 'city']).doUpdateSet({
            searches: sql`searches_daily.searches + excluded.searches`,
            zero_result_searches: sql`searches_daily.zero_result_searches + excluded.zero_result_searches`,
            results_total: sql`searches_daily.results_total + excluded.results_total`,
            guests_total: sql`searches_daily.guests_total + excluded.guests_total`,
            searches_with_guests: sql`searches_daily.searches_with_guests + excluded.searches_with_guests`,
          }),
        )
        .execute();
    }),
    [ANALYTICS_EVENTS.listingViewed]: parsed(listingViewedSchema, async (db, data, at) => {
      await db
        .insertInto('listing_views_daily')
        .values({ day: reportingDay(at), listing_id: data.listingId, views: 1 })
        .onConflict((oc) =>
          oc.columns(['day', 'listing_id']).doUpdateSet({ views: sql`listing_views_daily.views + 1` }),
        )
        .execute();
    }),
    [ANALYTICS_EVENTS.bookingRequested]: parsed(bookingRequestedSchema, (db, data, at) =>
      recordBookingFacts(db, at, {
        booking_id: data.bookingId,
        listing_id: data.listingId,
        host_id: data.hostId,
        check_in: data.checkIn,
        check_out: data.checkOut,
        instant_book: data.instantBook,
        requested_at: at,
      }),
    ),
    [ANALYTICS_EVENTS.bookingApproved]: parsed(bookingApprovedSchema, (db, data, at) =>
      recordBookingFacts(db, at, { booking_id: data.bookingId, listing_id: data.listingId, approved_at: at }),
    ),
    [ANALYTICS_EVENTS.bookingConfirmed]: parsed(bookingConfirmedSchema, (db, data, at) => {
      const derived = data.serviceFee && data.hostFee ? undefined : deriveFees(data.total, fees);
      return recordBookingFacts(db, at, {
        booking_id: data.bookingId,
        listing_id: data.listingId,
        host_id: data.hostId,
        check_in: data.checkIn,
        check_out: data.checkOut,
        currency: data.total.currency,
        total_kopecks: data.total.amount,
        service_fee_kopecks: (data.serviceFee ?? derived?.serviceFee)?.amount,
        host_fee_kopecks: (data.hostFee ?? derived?.hostFee)?.amount,
        confirmed_at: at,
      });
    }),
    [ANALYTICS_EVENTS.bookingCompleted]: parsed(bookingCompletedSchema, (db, data, at) =>
      recordBookingFacts(db, at, {
        booking_id: data.bookingId,
        listing_id: data.listingId,
        completed_at: at,
      }),
    ),
    ...Object.fromEntries(BOOKING_ENDINGS.map((ending) => [`booking.${ending}`, ended(ending)])),
    [ANALYTICS_EVENTS.listingPublished]: parsed(listingPlaceSchema, async (db, data, at, event) => {
      await recordListingPlace(db, data);
      await db
        .insertInto('moderation_decisions')
        .values({ event_id: event.id, listing_id: data.listingId, outcome: 'published', decided_at: at })
        .execute();
    }),
    [ANALYTICS_EVENTS.listingUpdated]: parsed(listingPlaceSchema, (db, data) => recordListingPlace(db, data)),
    [ANALYTICS_EVENTS.listingSubmitted]: parsed(listingSubmittedSchema, (db, data, at) =>
      recordSubmission(db, data.listingId, data.contentRevision, at),
    ),
    [ANALYTICS_EVENTS.listingRejected]: parsed(listingRejectedSchema, async (db, data, at, event) => {
      await db
        .insertInto('moderation_decisions')
        .values({ event_id: event.id, listing_id: data.listingId, outcome: 'rejected', decided_at: at })
        .execute();
    }),
    [ANALYTICS_EVENTS.listingModerationEscalated]: parsed(moderationEscalatedSchema, async (db, data, at) => {
      // Reaching the admins' queue is the latest a revision can have been submitted; an earlier
      // listing.submitted replaces it.
      if (data.awaitingSince) {
        await recordSubmission(db, data.listingId, data.contentRevision, new Date(data.awaitingSince));
      }
      await db
        .insertInto('moderation_escalations')
        .values({ listing_id: data.listingId, content_revision: data.contentRevision, escalated_at: at })
        .onConflict((oc) => oc.columns(['listing_id', 'content_revision']).doNothing())
        .execute();
    }),
  };

  return async function applyAnalyticsEvent(db: AnalyticsDb, event: DomainEvent): Promise<void> {
    const apply = applyByType[event.type];
    if (!apply) return;
    if (event.version !== 1) {
      logger.warn(
        { eventId: event.id, type: event.type, version: event.version },
        'skipping an unknown version',
      );
      return;
    }
    await apply(db, event, new Date(event.occurredAt));
  };
}

export interface AnalyticsConsumerOptions extends AnalyticsProjectionDeps {
  bus: EventBus;
  db: AnalyticsDb;
  queue?: string;
  prefetch?: number;
}

/** Feeds the aggregates from RabbitMQ, each event applied once in the transaction that records its id. */
export function consumeAnalyticsEvents({
  bus,
  db,
  queue = ANALYTICS_EVENTS_QUEUE,
  prefetch,
  ...deps
}: AnalyticsConsumerOptions): Promise<Subscription> {
  const apply = createAnalyticsProjection(deps);
  return consumeEvents({
    bus,
    db,
    queue,
    bindings: ANALYTICS_EVENT_BINDINGS,
    logger: deps.logger,
    prefetch,
    handle: (event, trx) => apply(trx, event),
  });
}
