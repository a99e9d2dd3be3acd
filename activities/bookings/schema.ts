import { type Generated, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import {
  outboxMigration,
  type OutboxTables,
  processedEventsMigration,
  type ProcessedEventsTables,
} from '@kvartirnsk/lib/events';
import type { CancellationPolicy } from '@kvartirnsk/workflows/bookings/cancellation-policy';
import type { BookingStatus } from '@kvartirnsk/workflows/bookings/contract';

/**
 * The bookings database. `listings` is this service's replica of what it needs from the listings service,
 * kept current by listing events; bookings never read the listings database.
 */
export interface ListingReplicaTable {
  id: string;
  host_id: string;
  title: string;
  currency: 'RUB';
  nightly_price_kopecks: number;
  weekend_price_kopecks: number | null;
  cleaning_fee_kopecks: number;
  max_guests: number;
  min_nights: number;
  max_nights: number;
  instant_book: boolean;
  time_zone: string;
  check_out_time: string;
  check_in_time: Generated<string>;
  cancellation_policy: Generated<CancellationPolicy>;
  published: boolean;
  updated_at: Generated<Date>;
}

export interface BookingTable {
  id: string;
  listing_id: string;
  host_id: string;
  guest_id: string;
  check_in: string;
  check_out: string;
  guests: number;
  status: BookingStatus;
  total_kopecks: number;
  currency: 'RUB';
  payment_intent_id: string | null;
  failure_reason: string | null;
  approval_deadline: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface BookingsDatabase extends OutboxTables, ProcessedEventsTables {
  listings: ListingReplicaTable;
  bookings: BookingTable;
}

export type BookingsDb = Kysely<BookingsDatabase>;

/** Statuses of a row that occupy the calendar; only these take part in the no-overlap constraint. */
export const ACTIVE_BOOKING_STATUSES = [
  'held',
  'awaiting_approval',
  'confirmed',
] as const satisfies readonly BookingStatus[];

export const bookingsMigrations: Record<string, Migration> = {
  '0001_outbox': outboxMigration,
  '0002_processed_events': processedEventsMigration,
  '0003_listings_and_bookings': {
    async up(db) {
      await sql`CREATE EXTENSION IF NOT EXISTS btree_gist`.execute(db);
      await db.schema
        .createTable('listings')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('host_id', 'text', (col) => col.notNull())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('nightly_price_kopecks', 'bigint', (col) =>
          col.notNull().check(sql`nightly_price_kopecks > 0`),
        )
        .addColumn('weekend_price_kopecks', 'bigint', (col) => col.check(sql`weekend_price_kopecks > 0`))
        .addColumn('cleaning_fee_kopecks', 'bigint', (col) => col.notNull().defaultTo(0))
        .addColumn('max_guests', 'integer', (col) => col.notNull())
        .addColumn('min_nights', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('max_nights', 'integer', (col) => col.notNull().defaultTo(365))
        .addColumn('instant_book', 'boolean', (col) => col.notNull().defaultTo(false))
        .addColumn('time_zone', 'text', (col) => col.notNull().defaultTo('Europe/Moscow'))
        .addColumn('check_out_time', 'text', (col) => col.notNull().defaultTo('12:00'))
        .addColumn('published', 'boolean', (col) => col.notNull().defaultTo(true))
        .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('bookings')
        .addColumn('id', 'uuid', (col) => col.primaryKey())
        .addColumn('listing_id', 'text', (col) => col.notNull().references('listings.id'))
        .addColumn('host_id', 'text', (col) => col.notNull())
        .addColumn('guest_id', 'text', (col) => col.notNull())
        .addColumn('check_in', 'date', (col) => col.notNull())
        .addColumn('check_out', 'date', (col) => col.notNull())
        .addColumn('guests', 'integer', (col) => col.notNull().check(sql`guests > 0`))
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('total_kopecks', 'bigint', (col) => col.notNull().check(sql`total_kopecks >= 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('payment_intent_id', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addCheckConstraint('bookings_dates_ordered', sql`check_out > check_in`)
        .execute();
      // Two active bookings of one listing can never share a night, whatever races the application has.
      await sql`
        ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
          listing_id WITH =,
          daterange(check_in, check_out, '[)') WITH &&
        ) WHERE (status IN ('held', 'authorized', 'confirmed'))
      `.execute(db);
      await db.schema
        .createIndex('bookings_guest')
        .on('bookings')
        .columns(['guest_id', 'check_in'])
        .execute();
      await db.schema.createIndex('bookings_host').on('bookings').columns(['host_id', 'check_in']).execute();
    },
  },
  '0004_request_to_book': {
    async up(db) {
      await db.schema.alterTable('bookings').addColumn('approval_deadline', 'timestamptz').execute();
      // A request waiting for its host holds the dates too.
      await sql`ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap`.execute(db);
      await sql`
        ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
          listing_id WITH =,
          daterange(check_in, check_out, '[)') WITH &&
        ) WHERE (status IN ('held', 'awaiting_approval', 'confirmed'))
      `.execute(db);
    },
  },
  '0005_cancellation_policy': {
    async up(db) {
      await db.schema
        .alterTable('listings')
        .addColumn('check_in_time', 'text', (col) => col.notNull().defaultTo('15:00'))
        .addColumn('cancellation_policy', 'text', (col) => col.notNull().defaultTo('moderate'))
        .execute();
    },
  },
};
