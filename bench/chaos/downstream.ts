import { type AddressInfo, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import type { AnalyticsDatabase } from '@kvartirnsk/api-analytics/schema';
import type { ListingDocument } from '@kvartirnsk/api-search/listing-state';
import { indexBehind } from '@kvartirnsk/api-search/mapping';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import type { Kysely } from '@kvartirnsk/lib/postgres';
import { type InvariantResult, result } from './invariants';

/**
 * The services downstream of the bookings outbox in a chaos run: the analytics service and the search indexer,
 * fed by the outbox relay over a RabbitMQ virtual host of the run's own (their queue names are fixed, so on the
 * shared vhost they would take events from, or give them to, a running stack), and checked against the
 * bookings table once the run has settled.
 */

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RABBITMQ_MANAGEMENT_URL = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';
const CHECK_INTERVAL_MS = 1_000;
const MGET_BATCH = 500;

export interface RunVhost {
  name: string;
  /** RABBITMQ_URL with the run's vhost. */
  url: string;
  drop(): Promise<void>;
}

/** RabbitMQ's management API, as the AMQP user of RABBITMQ_URL. */
async function rabbitManagement(resource: string, init: RequestInit): Promise<Response> {
  const { username, password } = new URL(RABBITMQ_URL);
  const auth = Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString(
    'base64',
  );
  const res = await fetch(`${RABBITMQ_MANAGEMENT_URL}/api/${resource}`, {
    ...init,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok && !(init.method === 'GET' && res.status === 404))
    throw new Error(`RabbitMQ management ${init.method} ${resource} answered ${res.status}`);
  return res;
}

export async function vhostExists(name: string): Promise<boolean> {
  return (await rabbitManagement(`vhosts/${encodeURIComponent(name)}`, { method: 'GET' })).ok;
}

export async function createRunVhost(name: string): Promise<RunVhost> {
  const vhost = encodeURIComponent(name);
  const { username } = new URL(RABBITMQ_URL);
  await rabbitManagement(`vhosts/${vhost}`, { method: 'PUT' });
  await rabbitManagement(`permissions/${vhost}/${username}`, {
    method: 'PUT',
    body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
  });
  const url = new URL(RABBITMQ_URL);
  url.pathname = `/${vhost}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await rabbitManagement(`vhosts/${vhost}`, { method: 'DELETE' });
    },
  };
}

/** A port nobody listens on now, for a child process that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Deletes the index the indexer created behind the run's alias (the alias goes with it). */
export async function dropSearchIndex(client: Client, alias: string): Promise<void> {
  const index = await indexBehind(client, alias);
  if (index) await client.indices.delete({ index });
}

/** A calendar day in Moscow time, the analytics service's reporting zone. */
export const moscowDay = (instant: Date) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(instant);

export interface DownstreamInput {
  bookingsDb: Kysely<BookingsDatabase>;
  analyticsDb: Kysely<AnalyticsDatabase>;
  /** The analytics service's base URL. */
  analyticsUrl: string;
  search: Client;
  searchAlias: string;
  /** Every listing of the run. */
  listingIds: string[];
  /** The days the run's bookings entered the funnel on (Moscow time). */
  range: { from: string; to: string };
}

interface BookingRow {
  id: string;
  listing_id: string;
  host_id: string;
  check_in: string;
  check_out: string;
  status: string;
  total_kopecks: number;
  payment_intent_id: string | null;
  approval_deadline: Date | null;
}

const DESCRIPTIONS = {
  'outbox-relayed': 'Every event in the bookings outbox was published to the broker',
  'analytics-agrees-with-bookings':
    "Analytics holds one row per booking with the bookings table's steps and outcome (requested, approved, confirmed, completed, or how it ended), dates and total",
  'analytics-funnel-agrees-with-bookings':
    "The analytics API's booking funnel for the run's days equals the same counts over the bookings table",
  'search-agrees-with-bookings':
    "Each listing's search document books exactly its confirmed and completed stays of the bookings table (same ids and dates) and marks those dates unavailable",
} as const;

export const DOWNSTREAM_INVARIANTS = Object.keys(DESCRIPTIONS) as Array<keyof typeof DESCRIPTIONS>;

const ENDINGS = new Set(['declined', 'expired', 'cancelled', 'failed']);
/** The stays the search index holds as booked: the indexer follows booking.confirmed until a release. */
const BOOKED_IN_SEARCH = new Set(['confirmed', 'completed']);

/** The booking's path as the bookings table records it: only a confirmation sets the payment intent. */
function stepsOfRow(row: BookingRow): string {
  const confirmed = row.payment_intent_id !== null;
  return [
    'requested',
    ...(confirmed && row.approval_deadline !== null ? ['approved'] : []),
    ...(confirmed ? ['confirmed'] : []),
    ...(row.status === 'completed' ? ['completed'] : []),
    ...(ENDINGS.has(row.status) ? [row.status] : []),
  ].join('>');
}

function stepsOfFact(fact: AnalyticsDatabase['booking_facts']): string {
  return [
    fact.requested_at ? 'requested' : '(no request)',
    ...(fact.approved_at ? ['approved'] : []),
    ...(fact.confirmed_at ? ['confirmed'] : []),
    ...(fact.completed_at ? ['completed'] : []),
    ...(fact.ending ? [fact.ending] : []),
  ].join('>');
}

async function bookingRows(db: Kysely<BookingsDatabase>): Promise<BookingRow[]> {
  return db
    .selectFrom('bookings')
    .select([
      'id',
      'listing_id',
      'host_id',
      'check_in',
      'check_out',
      'status',
      'total_kopecks',
      'payment_intent_id',
      'approval_deadline',
    ])
    .execute();
}

function checkFacts(rows: BookingRow[], facts: Array<AnalyticsDatabase['booking_facts']>): InvariantResult {
  const byId = new Map(facts.map((fact) => [fact.booking_id, fact]));
  const problems: string[] = [];
  for (const row of rows) {
    const fact = byId.get(row.id);
    byId.delete(row.id);
    if (!fact) {
      problems.push(`${row.id} (${stepsOfRow(row)}): no analytics row`);
      continue;
    }
    const expected = stepsOfRow(row);
    const actual = stepsOfFact(fact);
    if (actual !== expected) problems.push(`${row.id}: bookings ${expected}, analytics ${actual}`);
    const differing = (
      [
        ['listing', row.listing_id, fact.listing_id],
        ['host', row.host_id, fact.host_id],
        ['check-in', row.check_in, fact.check_in],
        ['check-out', row.check_out, fact.check_out],
        ...(row.payment_intent_id === null
          ? []
          : [['total', row.total_kopecks, fact.total_kopecks === null ? null : Number(fact.total_kopecks)]]),
      ] as const
    ).filter(([, source, copy]) => source !== copy);
    for (const [field, source, copy] of differing)
      problems.push(`${row.id}: ${field} ${String(source)} in bookings, ${String(copy)} in analytics`);
  }
  for (const id of byId.keys()) problems.push(`${id}: in analytics, not in the bookings table`);
  return result(
    'analytics-agrees-with-bookings',
    DESCRIPTIONS['analytics-agrees-with-bookings'],
    rows.length,
    problems,
  );
}

/** The funnel the analytics API reports for the run's days, against the same counts over the bookings table. */
async function checkFunnel(rows: BookingRow[], input: DownstreamInput): Promise<InvariantResult> {
  const count = (predicate: (row: BookingRow) => boolean) => rows.filter(predicate).length;
  const confirmed = (row: BookingRow) => row.payment_intent_id !== null;
  const dropOffs = {
    declined: count((row) => row.status === 'declined'),
    expired: count((row) => row.status === 'expired'),
    failed: count((row) => row.status === 'failed'),
    cancelledBeforeConfirmation: count((row) => row.status === 'cancelled' && !confirmed(row)),
    cancelledAfterConfirmation: count((row) => row.status === 'cancelled' && confirmed(row)),
  };
  const stages = {
    requested: rows.length,
    approved: count((row) => confirmed(row) && row.approval_deadline !== null),
    confirmed: count(confirmed),
    completed: count((row) => row.status === 'completed'),
  };
  const expected: Record<string, number> = {
    ...Object.fromEntries(Object.entries(stages).map(([key, n]) => [`stages.${key}`, n])),
    ...Object.fromEntries(Object.entries(dropOffs).map(([key, n]) => [`dropOffs.${key}`, n])),
    awaitingOutcome:
      stages.requested -
      stages.confirmed -
      dropOffs.declined -
      dropOffs.expired -
      dropOffs.failed -
      dropOffs.cancelledBeforeConfirmation,
    enteredWithoutRequestEvent: 0,
  };
  const url = new URL('/analytics/funnel', input.analyticsUrl);
  url.searchParams.set('from', input.range.from);
  url.searchParams.set('to', input.range.to);
  const res = await fetch(url, {
    headers: identityHeaders({ userId: 'chaos-finance', roles: ['finance'] }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`GET ${url.pathname}${url.search} answered ${res.status}`);
  const report = (await res.json()) as {
    stages: Record<string, number>;
    dropOffs: Record<string, number>;
    awaitingOutcome: number;
    enteredWithoutRequestEvent: number;
  };
  const reported: Record<string, number> = {
    ...Object.fromEntries(Object.entries(report.stages).map(([key, n]) => [`stages.${key}`, n])),
    ...Object.fromEntries(Object.entries(report.dropOffs).map(([key, n]) => [`dropOffs.${key}`, n])),
    awaitingOutcome: report.awaitingOutcome,
    enteredWithoutRequestEvent: report.enteredWithoutRequestEvent,
  };
  return result(
    'analytics-funnel-agrees-with-bookings',
    DESCRIPTIONS['analytics-funnel-agrees-with-bookings'],
    Object.keys(expected).length,
    Object.entries(expected).flatMap(([key, n]) =>
      reported[key] === n ? [] : [`${key}: analytics ${reported[key] ?? 'missing'}, bookings table ${n}`],
    ),
  );
}

async function checkSearch(rows: BookingRow[], input: DownstreamInput): Promise<InvariantResult> {
  const { search, searchAlias, listingIds } = input;
  const nights = (checkIn: string, checkOut: string) => `${checkIn}..${checkOut}`;
  const statusOf = new Map(rows.map((row) => [row.id, row.status]));
  /** Per listing, its bookings the index must hold as booked, and their nights. */
  const expected = new Map<string, Map<string, string>>();
  for (const row of rows.filter((row) => BOOKED_IN_SEARCH.has(row.status))) {
    const stays = expected.get(row.listing_id) ?? new Map<string, string>();
    stays.set(row.id, nights(row.check_in, row.check_out));
    expected.set(row.listing_id, stays);
  }
  const problems: string[] = [];
  for (let i = 0; i < listingIds.length; i += MGET_BATCH) {
    // A get is real-time: it sees every acknowledged write, refreshed or not.
    const { docs } = await search.mget<ListingDocument>({
      index: searchAlias,
      ids: listingIds.slice(i, i + MGET_BATCH),
    });
    for (const doc of docs) {
      const source = 'found' in doc && doc.found ? doc._source : undefined;
      const booked = new Map(
        (source?.stays ?? [])
          .filter((stay) => !stay.released)
          .map((stay) => [stay.bookingId, nights(stay.checkIn, stay.checkOut)]),
      );
      const unavailable = new Set((source?.unavailable ?? []).map((range) => nights(range.gte, range.lt)));
      const wanted = expected.get(doc._id) ?? new Map<string, string>();
      for (const [bookingId, dates] of wanted) {
        if (booked.get(bookingId) !== dates)
          problems.push(
            `${doc._id}: booking ${bookingId} (${statusOf.get(bookingId)}, ${dates}) booked in the index as ${booked.get(bookingId) ?? 'nothing'}`,
          );
      }
      for (const [bookingId, dates] of booked) {
        if (!wanted.has(bookingId))
          problems.push(
            `${doc._id}: booking ${bookingId} (${dates}) booked in the index, ${statusOf.get(bookingId) ?? 'no row'} in the bookings table`,
          );
        if (!unavailable.has(dates))
          problems.push(`${doc._id}: ${dates} of ${bookingId} not marked unavailable`);
      }
    }
  }
  return result(
    'search-agrees-with-bookings',
    DESCRIPTIONS['search-agrees-with-bookings'],
    listingIds.length,
    problems,
  );
}

/** Everything the booking activities wrote to the outbox has gone to the broker. */
async function checkOutbox(db: Kysely<BookingsDatabase>): Promise<InvariantResult> {
  const rows = await db.selectFrom('outbox').select(['id', 'type', 'published_at']).execute();
  return result(
    'outbox-relayed',
    DESCRIPTIONS['outbox-relayed'],
    rows.length,
    rows.filter((row) => row.published_at === null).map((row) => `${row.id} ${row.type}: not published`),
  );
}

export async function checkDownstream(input: DownstreamInput): Promise<InvariantResult[]> {
  const rows = await bookingRows(input.bookingsDb);
  const facts = await input.analyticsDb.selectFrom('booking_facts').selectAll().execute();
  return [
    await checkOutbox(input.bookingsDb),
    checkFacts(rows, facts),
    await checkFunnel(rows, input),
    await checkSearch(rows, input),
  ];
}

/**
 * Consumers are eventually consistent: the downstream checks are repeated until they all hold or `timeoutMs`
 * has passed. Returns the last results and how long the consumers took to agree (null if they did not).
 */
export async function awaitDownstream(
  input: DownstreamInput,
  timeoutMs: number,
): Promise<{ invariants: InvariantResult[]; catchUpMs: number | null }> {
  const startedAt = Date.now();
  for (;;) {
    let invariants: InvariantResult[];
    try {
      invariants = await checkDownstream(input);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      invariants = DOWNSTREAM_INVARIANTS.map((name) =>
        result(name, DESCRIPTIONS[name], 0, [`could not check: ${message}`]),
      );
    }
    if (invariants.every((invariant) => invariant.ok))
      return { invariants, catchUpMs: Date.now() - startedAt };
    if (Date.now() - startedAt > timeoutMs) return { invariants, catchUpMs: null };
    await sleep(CHECK_INTERVAL_MS);
  }
}
