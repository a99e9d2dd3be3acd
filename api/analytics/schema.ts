import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { processedEventsMigration, type ProcessedEventsTables } from '@kvartirnsk/lib/events';
import { sql } from '@kvartirnsk/lib/postgres';
import type { BookingEnding } from './contracts';

/**
 * The analytics database. Bookings and moderation are kept as one row of facts per business key, each fact
 * merged order-independently (earliest timestamp wins, known values are kept), and aggregated when asked:
 * events may arrive in any order and a late one still lands where it belongs. Searches and views are daily
 * counters, incremented once per event id thanks to processed_events.
 */
export interface ListingPlaceTable {
  listing_id: string;
  host_id: string;
  city: string;
  /** The listing revision the city comes from; an older revision arriving late changes nothing. */
  revision: number;
}

export interface BookingFactTable {
  booking_id: string;
  listing_id: string;
  host_id: string | null;
  check_in: string | null;
  check_out: string | null;
  instant_book: boolean | null;
  currency: string | null;
  total_kopecks: number | null;
  service_fee_kopecks: number | null;
  host_fee_kopecks: number | null;
  /** The earliest event seen about the booking: its funnel entry while booking.requested is not emitted. */
  first_seen_at: Date;
  requested_at: Date | null;
  approved_at: Date | null;
  confirmed_at: Date | null;
  completed_at: Date | null;
  ending: BookingEnding | null;
  ended_at: Date | null;
}

export interface SearchesDailyTable {
  day: string;
  city: string;
  searches: number;
  zero_result_searches: number;
  results_total: number;
  guests_total: number;
  searches_with_guests: number;
}

export interface ListingViewsDailyTable {
  day: string;
  listing_id: string;
  views: number;
}

export interface ModerationSubmissionTable {
  listing_id: string;
  content_revision: number;
  submitted_at: Date;
}

export interface ModerationDecisionTable {
  event_id: string;
  listing_id: string;
  outcome: 'published' | 'rejected';
  decided_at: Date;
}

export interface ModerationEscalationTable {
  listing_id: string;
  content_revision: number;
  escalated_at: Date;
}

export interface AnalyticsDatabase extends ProcessedEventsTables {
  listing_places: ListingPlaceTable;
  booking_facts: BookingFactTable;
  searches_daily: SearchesDailyTable;
  listing_views_daily: ListingViewsDailyTable;
  moderation_submissions: ModerationSubmissionTable;
  moderation_decisions: ModerationDecisionTable;
  moderation_escalations: ModerationEscalationTable;
}

export type AnalyticsDb = Kysely<AnalyticsDatabase>;

/** Finance closes its days in Moscow time: every instant is counted on its Moscow calendar day. */
export const REPORTING_TIME_ZONE = 'Europe/Moscow';

export const analyticsMigrations: Record<string, Migration> = {
  '0001_processed_events': processedEventsMigration,
  '0002_aggregates': {
    async up(db) {
      await db.schema
        .createTable('listing_places')
        .addColumn('listing_id', 'text', (col) => col.primaryKey())
        .addColumn('host_id', 'text', (col) => col.notNull())
        .addColumn('city', 'text', (col) => col.notNull())
        .addColumn('revision', 'integer', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('listing_places_city').on('listing_places').column('city').execute();

      await db.schema
        .createTable('booking_facts')
        .addColumn('booking_id', 'text', (col) => col.primaryKey())
        .addColumn('listing_id', 'text', (col) => col.notNull())
        .addColumn('host_id', 'text')
        .addColumn('check_in', 'date')
        .addColumn('check_out', 'date')
        .addColumn('instant_book', 'boolean')
        .addColumn('currency', 'text')
        .addColumn('total_kopecks', 'bigint')
        .addColumn('service_fee_kopecks', 'bigint')
        .addColumn('host_fee_kopecks', 'bigint')
        .addColumn('first_seen_at', 'timestamptz', (col) => col.notNull())
        .addColumn('requested_at', 'timestamptz')
        .addColumn('approved_at', 'timestamptz')
        .addColumn('confirmed_at', 'timestamptz')
        .addColumn('completed_at', 'timestamptz')
        .addColumn('ending', 'text')
        .addColumn('ended_at', 'timestamptz')
        .execute();
      await sql`CREATE INDEX booking_facts_entered ON booking_facts (coalesce(requested_at, first_seen_at))`.execute(
        db,
      );
      await db.schema
        .createIndex('booking_facts_confirmed')
        .on('booking_facts')
        .column('confirmed_at')
        .execute();
      await db.schema.createIndex('booking_facts_ended').on('booking_facts').column('ended_at').execute();
      await db.schema
        .createIndex('booking_facts_stay')
        .on('booking_facts')
        .columns(['check_in', 'check_out'])
        .execute();

      await db.schema
        .createTable('searches_daily')
        .addColumn('day', 'date', (col) => col.notNull())
        .addColumn('city', 'text', (col) => col.notNull())
        .addColumn('searches', 'bigint', (col) => col.notNull())
        .addColumn('zero_result_searches', 'bigint', (col) => col.notNull())
        .addColumn('results_total', 'bigint', (col) => col.notNull())
        .addColumn('guests_total', 'bigint', (col) => col.notNull())
        .addColumn('searches_with_guests', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('searches_daily_pk', ['day', 'city'])
        .execute();

      await db.schema
        .createTable('listing_views_daily')
        .addColumn('day', 'date', (col) => col.notNull())
        .addColumn('listing_id', 'text', (col) => col.notNull())
        .addColumn('views', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('listing_views_daily_pk', ['day', 'listing_id'])
        .execute();

      await db.schema
        .createTable('moderation_submissions')
        .addColumn('listing_id', 'text', (col) => col.notNull())
        .addColumn('content_revision', 'integer', (col) => col.notNull())
        .addColumn('submitted_at', 'timestamptz', (col) => col.notNull())
        .addPrimaryKeyConstraint('moderation_submissions_pk', ['listing_id', 'content_revision'])
        .execute();
      await db.schema
        .createIndex('moderation_submissions_time')
        .on('moderation_submissions')
        .columns(['listing_id', 'submitted_at'])
        .execute();
      await db.schema
        .createTable('moderation_decisions')
        .addColumn('event_id', 'uuid', (col) => col.primaryKey())
        .addColumn('listing_id', 'text', (col) => col.notNull())
        .addColumn('outcome', 'text', (col) => col.notNull())
        .addColumn('decided_at', 'timestamptz', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('moderation_decisions_time')
        .on('moderation_decisions')
        .column('decided_at')
        .execute();
      await db.schema
        .createTable('moderation_escalations')
        .addColumn('listing_id', 'text', (col) => col.notNull())
        .addColumn('content_revision', 'integer', (col) => col.notNull())
        .addColumn('escalated_at', 'timestamptz', (col) => col.notNull())
        .addPrimaryKeyConstraint('moderation_escalations_pk', ['listing_id', 'content_revision'])
        .execute();
    },
  },
};
