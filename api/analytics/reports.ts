import type { RawBuilder } from 'kysely';
import { money, type Money } from '@kvartirnsk/lib/money';
import { sql } from '@kvartirnsk/lib/postgres';
import { type AnalyticsDb, REPORTING_TIME_ZONE } from './schema';

/** Calendar days, both included, counted in the reporting time zone (Moscow). */
export interface DateRange {
  from: string;
  to: string;
}

// Every amount the aggregates hold is in roubles: the event contracts accept no other currency yet.
const rub = (kopecks: number): Money => money(kopecks, 'RUB');

const rangeStart = ({ from }: DateRange) =>
  sql`(${from}::date::timestamp AT TIME ZONE ${REPORTING_TIME_ZONE})`;
const rangeEnd = ({ to }: DateRange) =>
  sql`((${to}::date + 1)::timestamp AT TIME ZONE ${REPORTING_TIME_ZONE})`;
/** Whether an instant column falls on one of the range's days. */
const within = (column: RawBuilder<unknown>, range: DateRange) =>
  sql`(${column} >= ${rangeStart(range)} AND ${column} < ${rangeEnd(range)})`;
const dayOf = (column: RawBuilder<unknown>) => sql`(${column} AT TIME ZONE ${REPORTING_TIME_ZONE})::date`;
/** Every day of the range; series over timestamps without a zone, so the session's zone never shifts a day. */
const daysOf = ({ from, to }: DateRange) => sql`(
  SELECT d::date AS day
  FROM generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day') AS d
)`;

const rate = (numerator: number, denominator: number) =>
  denominator === 0 ? 0 : Math.round((numerator / denominator) * 10_000) / 10_000;

/**
 * The bookings that entered the funnel on the range's days (booking.requested, or the first event seen of a
 * booking while that event is not emitted) and how far each got, whenever it got there.
 */
export async function bookingFunnel(db: AnalyticsDb, range: DateRange) {
  const { rows } = await sql<{
    requested: number;
    without_request_event: number;
    approved: number;
    confirmed: number;
    completed: number;
    declined: number;
    expired: number;
    failed: number;
    cancelled_before: number;
    cancelled_after: number;
  }>`
    SELECT count(*) AS requested,
           count(*) FILTER (WHERE requested_at IS NULL) AS without_request_event,
           count(*) FILTER (WHERE approved_at IS NOT NULL) AS approved,
           count(*) FILTER (WHERE confirmed_at IS NOT NULL) AS confirmed,
           count(*) FILTER (WHERE completed_at IS NOT NULL) AS completed,
           count(*) FILTER (WHERE ending = 'declined') AS declined,
           count(*) FILTER (WHERE ending = 'expired') AS expired,
           count(*) FILTER (WHERE ending = 'failed') AS failed,
           count(*) FILTER (WHERE ending = 'cancelled' AND confirmed_at IS NULL) AS cancelled_before,
           count(*) FILTER (WHERE ending = 'cancelled' AND confirmed_at IS NOT NULL) AS cancelled_after
    FROM booking_facts
    WHERE ${within(sql`coalesce(requested_at, first_seen_at)`, range)}
  `.execute(db);
  const row = rows[0]!;
  const droppedBeforeConfirmation = row.declined + row.expired + row.failed + row.cancelled_before;
  return {
    ...range,
    stages: {
      requested: row.requested,
      approved: row.approved,
      confirmed: row.confirmed,
      completed: row.completed,
    },
    dropOffs: {
      declined: row.declined,
      expired: row.expired,
      failed: row.failed,
      cancelledBeforeConfirmation: row.cancelled_before,
      cancelledAfterConfirmation: row.cancelled_after,
    },
    awaitingOutcome: row.requested - row.confirmed - droppedBeforeConfirmation,
    enteredWithoutRequestEvent: row.without_request_event,
    conversion: rate(row.confirmed, row.requested),
  };
}

/** Guest money confirmed per day and the platform's fees in it; cancellations of confirmed bookings on theirs. */
export async function revenuePerDay(db: AnalyticsDb, range: DateRange) {
  const { rows } = await sql<{
    day: string;
    confirmed: number;
    gross: number;
    service_fees: number;
    host_fees: number;
    cancelled: number;
    cancelled_gross: number;
  }>`
    WITH confirmed AS (
      SELECT ${dayOf(sql.ref('confirmed_at'))} AS day, count(*) AS confirmed,
             sum(total_kopecks)::bigint AS gross,
             sum(service_fee_kopecks)::bigint AS service_fees,
             sum(host_fee_kopecks)::bigint AS host_fees
      FROM booking_facts WHERE ${within(sql.ref('confirmed_at'), range)}
      GROUP BY 1
    ), cancelled AS (
      SELECT ${dayOf(sql.ref('ended_at'))} AS day, count(*) AS cancelled,
             sum(total_kopecks)::bigint AS cancelled_gross
      FROM booking_facts
      WHERE ending = 'cancelled' AND confirmed_at IS NOT NULL AND ${within(sql.ref('ended_at'), range)}
      GROUP BY 1
    )
    SELECT days.day::text AS day,
           coalesce(confirmed.confirmed, 0) AS confirmed, coalesce(gross, 0) AS gross,
           coalesce(service_fees, 0) AS service_fees, coalesce(host_fees, 0) AS host_fees,
           coalesce(cancelled.cancelled, 0) AS cancelled, coalesce(cancelled_gross, 0) AS cancelled_gross
    FROM ${daysOf(range)} AS days
    LEFT JOIN confirmed USING (day)
    LEFT JOIN cancelled USING (day)
    ORDER BY days.day
  `.execute(db);
  const figures = (r: Omit<(typeof rows)[number], 'day'>) => ({
    confirmedBookings: r.confirmed,
    gross: rub(r.gross),
    serviceFees: rub(r.service_fees),
    hostFees: rub(r.host_fees),
    platformFees: rub(r.service_fees + r.host_fees),
    cancelledBookings: r.cancelled,
    cancelledGross: rub(r.cancelled_gross),
  });
  const totals = rows.reduce(
    (sum, r) => ({
      confirmed: sum.confirmed + r.confirmed,
      gross: sum.gross + r.gross,
      service_fees: sum.service_fees + r.service_fees,
      host_fees: sum.host_fees + r.host_fees,
      cancelled: sum.cancelled + r.cancelled,
      cancelled_gross: sum.cancelled_gross + r.cancelled_gross,
    }),
    { confirmed: 0, gross: 0, service_fees: 0, host_fees: 0, cancelled: 0, cancelled_gross: 0 },
  );
  return {
    ...range,
    days: rows.map((r) => ({ date: r.day, ...figures(r) })),
    totals: figures(totals),
  };
}

const LISTINGS_SHOWN = 100;

/**
 * Nights booked on the range's days (a night belongs to the day it starts): confirmed bookings that were not
 * cancelled, per day, per listing and per city. A city's rate divides its nights by its known listings × days.
 */
export async function occupancy(db: AnalyticsDb, range: DateRange & { city?: string }) {
  const city = range.city ?? null;
  const nights = sql`
    nights AS (
      SELECT b.listing_id, p.city, night::date AS night
      FROM booking_facts AS b
      LEFT JOIN listing_places AS p USING (listing_id)
      CROSS JOIN LATERAL generate_series(
        greatest(b.check_in, ${range.from}::date)::timestamp,
        least(b.check_out - 1, ${range.to}::date)::timestamp,
        interval '1 day'
      ) AS night
      WHERE b.confirmed_at IS NOT NULL AND b.ending IS DISTINCT FROM 'cancelled'
        AND b.check_in <= ${range.to}::date AND b.check_out > ${range.from}::date
        AND (${city}::text IS NULL OR p.city = ${city})
    )`;
  const days = (
    await sql<{ day: string; nights: number }>`
    WITH ${nights}
    SELECT days.day::text AS day, count(nights.night) AS nights
    FROM ${daysOf(range)} AS days LEFT JOIN nights ON nights.night = days.day
    GROUP BY days.day ORDER BY days.day
  `.execute(db)
  ).rows;
  const listings = (
    await sql<{ listing_id: string; city: string | null; nights: number }>`
    WITH ${nights}
    SELECT listing_id, city, count(*) AS nights FROM nights
    GROUP BY listing_id, city ORDER BY nights DESC, listing_id LIMIT ${LISTINGS_SHOWN}
  `.execute(db)
  ).rows;
  const cities = (
    await sql<{ city: string; listings: number; nights: number }>`
    WITH ${nights}, per_listing AS (SELECT listing_id, count(*) AS nights FROM nights GROUP BY listing_id)
    SELECT p.city, count(*) AS listings, coalesce(sum(per_listing.nights), 0)::bigint AS nights
    FROM listing_places AS p LEFT JOIN per_listing USING (listing_id)
    WHERE ${city}::text IS NULL OR p.city = ${city}
    GROUP BY p.city ORDER BY nights DESC, p.city
  `.execute(db)
  ).rows;
  const dayCount = days.length;
  return {
    ...range,
    days: days.map((d) => ({ date: d.day, nightsBooked: d.nights })),
    cities: cities.map((c) => ({
      city: c.city,
      listings: c.listings,
      nightsBooked: c.nights,
      occupancyRate: rate(c.nights, c.listings * dayCount),
    })),
    listings: listings.map((l) => ({
      listingId: l.listing_id,
      city: l.city,
      nightsBooked: l.nights,
      occupancyRate: rate(l.nights, dayCount),
    })),
  };
}

/** How long hosts took to approve or decline requests to book, for answers given on the range's days. */
export async function hostResponse(db: AnalyticsDb, range: DateRange) {
  const { rows } = await sql<{
    approved: number;
    declined: number;
    timed: number;
    average_seconds: number | null;
    expired: number;
  }>`
    WITH answers AS (
      SELECT requested_at, approved_at IS NOT NULL AS approved,
             coalesce(approved_at, CASE WHEN ending = 'declined' THEN ended_at END) AS answered_at
      FROM booking_facts WHERE instant_book IS NOT TRUE
    )
    SELECT count(*) FILTER (WHERE approved) AS approved,
           count(*) FILTER (WHERE NOT approved) AS declined,
           count(requested_at) AS timed,
           round(avg(extract(epoch FROM answered_at - requested_at)))::bigint AS average_seconds,
           (SELECT count(*) FROM booking_facts
            WHERE ending = 'expired' AND ${within(sql.ref('ended_at'), range)}) AS expired
    FROM answers WHERE ${within(sql.ref('answered_at'), range)}
  `.execute(db);
  const row = rows[0]!;
  return {
    ...range,
    responses: row.approved + row.declined,
    approved: row.approved,
    declined: row.declined,
    /** Answers whose request time is known (booking.requested); only these have a response time. */
    timedResponses: row.timed,
    averageResponseSeconds: row.average_seconds,
    expiredWithoutAnswer: row.expired,
  };
}

/** Moderation decisions taken on the range's days and how long each revision waited since it was submitted. */
export async function moderationTurnaround(db: AnalyticsDb, range: DateRange) {
  const { rows } = await sql<{
    published: number;
    rejected: number;
    timed: number;
    average_seconds: number | null;
    max_seconds: number | null;
    escalated: number;
  }>`
    WITH decisions AS (
      SELECT d.outcome, extract(epoch FROM d.decided_at - s.submitted_at) AS seconds
      FROM moderation_decisions AS d
      LEFT JOIN LATERAL (
        SELECT submitted_at FROM moderation_submissions AS s
        WHERE s.listing_id = d.listing_id AND s.submitted_at <= d.decided_at
        ORDER BY s.submitted_at DESC LIMIT 1
      ) AS s ON true
      WHERE ${within(sql.ref('d.decided_at'), range)}
    )
    SELECT count(*) FILTER (WHERE outcome = 'published') AS published,
           count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
           count(seconds) AS timed,
           round(avg(seconds))::bigint AS average_seconds,
           round(max(seconds))::bigint AS max_seconds,
           (SELECT count(*) FROM moderation_escalations
            WHERE ${within(sql.ref('escalated_at'), range)}) AS escalated
    FROM decisions
  `.execute(db);
  const row = rows[0]!;
  return {
    ...range,
    decisions: row.published + row.rejected,
    published: row.published,
    rejected: row.rejected,
    /** Decisions whose submission time is known (listing.submitted or an escalation); only these are timed. */
    timedDecisions: row.timed,
    averageTurnaroundSeconds: row.average_seconds,
    maxTurnaroundSeconds: row.max_seconds,
    escalated: row.escalated,
  };
}

const CITIES_SHOWN = 100;

/** Searches per city and per day. */
export async function searches(db: AnalyticsDb, range: DateRange) {
  const inRange = sql`day BETWEEN ${range.from}::date AND ${range.to}::date`;
  const cities = (
    await sql<{
      city: string;
      searches: number;
      zero: number;
      results: number;
      guests: number;
      with_guests: number;
    }>`
    SELECT city, sum(searches)::bigint AS searches, sum(zero_result_searches)::bigint AS zero,
           sum(results_total)::bigint AS results, sum(guests_total)::bigint AS guests,
           sum(searches_with_guests)::bigint AS with_guests
    FROM searches_daily WHERE ${inRange}
    GROUP BY city ORDER BY searches DESC, city LIMIT ${CITIES_SHOWN}
  `.execute(db)
  ).rows;
  const days = (
    await sql<{ day: string; searches: number }>`
    SELECT days.day::text AS day, coalesce(sum(s.searches), 0)::bigint AS searches
    FROM ${daysOf(range)} AS days LEFT JOIN searches_daily AS s ON s.day = days.day
    GROUP BY days.day ORDER BY days.day
  `.execute(db)
  ).rows;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    ...range,
    totalSearches: days.reduce((sum, d) => sum + d.searches, 0),
    cities: cities.map((c) => ({
      city: c.city,
      searches: c.searches,
      zeroResultSearches: c.zero,
      averageResults: round2(c.results / c.searches),
      averageGuests: c.with_guests === 0 ? null : round2(c.guests / c.with_guests),
    })),
    days: days.map((d) => ({ date: d.day, searches: d.searches })),
  };
}

/** The most viewed listings on the range's days. */
export async function listingViews(db: AnalyticsDb, range: DateRange & { city?: string; limit: number }) {
  const city = range.city ?? null;
  const { rows } = await sql<{ listing_id: string; city: string | null; views: number }>`
    SELECT v.listing_id, p.city, sum(v.views)::bigint AS views
    FROM listing_views_daily AS v LEFT JOIN listing_places AS p USING (listing_id)
    WHERE v.day BETWEEN ${range.from}::date AND ${range.to}::date
      AND (${city}::text IS NULL OR p.city = ${city})
    GROUP BY v.listing_id, p.city ORDER BY views DESC, v.listing_id LIMIT ${range.limit}
  `.execute(db);
  return {
    from: range.from,
    to: range.to,
    ...(range.city ? { city: range.city } : {}),
    listings: rows.map((r) => ({ listingId: r.listing_id, city: r.city, views: r.views })),
  };
}
