import { setTimeout as sleep } from 'node:timers/promises';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { applyListingEvent } from '@kvartirnsk/api-bookings/listing-replica';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import type { Kysely } from '@kvartirnsk/lib/postgres';
import type { BookingStatus } from '@kvartirnsk/workflows/bookings/contract';
import {
  type DriverOutcome,
  futureDates,
  listingSnapshot,
  type PlannedBooking,
  type PlannedCase,
  stayEndingSoon,
} from './scenarios';

/** How long one call may keep being retried (workers restarting, a server down) before it counts as lost. */
const CALL_RETRY_BUDGET_MS = 240_000;
const RETRY_PAUSE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 30_000;
const WATCH_INTERVAL_MS = 300;

interface ApiAnswer {
  status: number;
  body: { status?: BookingStatus; type?: string; detail?: string } & Record<string, unknown>;
}

export interface DriveStats {
  apiCalls: number;
  /** Calls answered 5xx or not at all (workers being restarted, servers down), each retried. */
  apiRetries: number;
  lostCalls: string[];
}

/**
 * The bookings API as its clients use it over HTTP, with the retry a well-behaved client does: the same
 * booking id or the same action again after a 5xx or a dropped connection, which the API makes safe.
 */
export class BookingsClient {
  readonly stats: DriveStats = { apiCalls: 0, apiRetries: 0, lostCalls: [] };

  constructor(private readonly baseUrl: string) {}

  private async once(method: 'GET' | 'POST', path: string, actor: Actor, body?: unknown): Promise<ApiAnswer> {
    this.stats.apiCalls += 1;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...identityHeaders(actor) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as ApiAnswer['body']) : {} };
  }

  async call(method: 'GET' | 'POST', path: string, actor: Actor, body?: unknown): Promise<ApiAnswer> {
    const deadline = Date.now() + CALL_RETRY_BUDGET_MS;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const answer = await this.once(method, path, actor, body);
        if (answer.status < 500) return answer;
        last = `${answer.status} ${answer.body.detail ?? ''}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      this.stats.apiRetries += 1;
      await sleep(RETRY_PAUSE_MS);
    }
    this.stats.lostCalls.push(`${method} ${path}: ${last}`);
    throw new Error(`${method} ${path} kept failing for ${CALL_RETRY_BUDGET_MS} ms: ${last}`);
  }
}

/**
 * Learns booking statuses from the bookings table, one query per tick for every booking someone waits on
 * (querying each workflow would load the server under test). Survives the database going away for a while.
 */
export class StatusWatcher {
  private readonly waiting = new Map<
    string,
    Array<{
      wanted: readonly BookingStatus[];
      resolve: (status: BookingStatus | undefined) => void;
      deadline: number;
    }>
  >();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly db: Kysely<BookingsDatabase>) {}

  start(): void {
    const tick = async () => {
      await this.poll().catch(() => undefined);
      if (!this.stopped) this.timer = setTimeout(() => void tick(), WATCH_INTERVAL_MS);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const waiters of this.waiting.values()) for (const waiter of waiters) waiter.resolve(undefined);
    this.waiting.clear();
  }

  /** The booking's status once it is one of `wanted`; undefined if that did not happen within `timeoutMs`. */
  until(
    bookingId: string,
    wanted: readonly BookingStatus[],
    timeoutMs: number,
  ): Promise<BookingStatus | undefined> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(bookingId) ?? [];
      waiters.push({ wanted, resolve, deadline: Date.now() + timeoutMs });
      this.waiting.set(bookingId, waiters);
    });
  }

  private async poll(): Promise<void> {
    const now = Date.now();
    for (const [id, waiters] of this.waiting) {
      const pending = waiters.filter((waiter) => {
        if (now <= waiter.deadline) return true;
        waiter.resolve(undefined);
        return false;
      });
      if (pending.length === 0) this.waiting.delete(id);
      else this.waiting.set(id, pending);
    }
    if (this.waiting.size === 0) return;
    const rows = await this.db
      .selectFrom('bookings')
      .select(['id', 'status'])
      .where('id', 'in', [...this.waiting.keys()])
      .execute();
    for (const row of rows) {
      const waiters = this.waiting.get(row.id) ?? [];
      const pending = waiters.filter((waiter) => {
        if (!waiter.wanted.includes(row.status)) return true;
        waiter.resolve(row.status);
        return false;
      });
      if (pending.length === 0) this.waiting.delete(row.id);
      else this.waiting.set(row.id, pending);
    }
  }
}

export interface DrivenBooking {
  booking: PlannedBooking;
  hostId: string;
  outcome: DriverOutcome;
  /** Statuses of the API's answers, in order: create first, then the host's or guest's action. */
  answers: Array<{ call: string; status: number }>;
  /** Set for stays: when the payout and check-out are due. */
  payAt?: string;
  /** Why the driver could not do its part (a wait that timed out, a call that kept failing). */
  problem?: string;
}

export interface DriverContext {
  client: BookingsClient;
  watcher: StatusWatcher;
  db: Kysely<BookingsDatabase>;
  stayLeadMs: number;
  /** How long to wait for a booking to reach the point where the host or guest acts. */
  waitMs: number;
}

const guest = (booking: PlannedBooking): Actor => ({ userId: booking.guestId, roles: ['guest'] });
const host = (hostId: string): Actor => ({ userId: hostId, roles: ['guest', 'host'] });

/** Statuses a booking can no longer be acted on from. */
const ENDED: BookingStatus[] = ['completed', 'declined', 'expired', 'cancelled', 'failed'];

/** Publishes the case's listing to the bookings replica, then plays its scenario through the API. */
export async function driveCase(plannedCase: PlannedCase, context: DriverContext): Promise<DrivenBooking[]> {
  const stay =
    plannedCase.scenario === 'instant-stay' ? stayEndingSoon(Date.now(), context.stayLeadMs) : undefined;
  const published = domainEvent('listings', 'listing.published', { ...listingSnapshot(plannedCase, stay) });
  // The replica is written directly, so this write, like the API calls, must wait out a database restart.
  const deadline = Date.now() + CALL_RETRY_BUDGET_MS;
  for (;;) {
    try {
      await applyListingEvent(context.db, published);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(RETRY_PAUSE_MS);
    }
  }
  const now = Date.now();
  return Promise.all(
    plannedCase.bookings.map(async (booking): Promise<DrivenBooking> => {
      const driven: DrivenBooking = {
        booking,
        hostId: plannedCase.hostId,
        outcome: 'as-planned',
        answers: [],
        ...(stay ? { payAt: stay.payAt.toISOString() } : {}),
      };
      try {
        await playScenario(plannedCase, booking, driven, context, stay ?? futureDates(booking, now));
      } catch (err) {
        driven.problem = err instanceof Error ? err.message : String(err);
      }
      return driven;
    }),
  );
}

async function playScenario(
  plannedCase: PlannedCase,
  booking: PlannedBooking,
  driven: DrivenBooking,
  { client, watcher, waitMs }: DriverContext,
  dates: { checkIn: string; checkOut: string },
): Promise<void> {
  const { bookingId } = booking;
  const created = await client.call('POST', '/bookings', guest(booking), {
    bookingId,
    listingId: plannedCase.listingId,
    checkIn: dates.checkIn,
    checkOut: dates.checkOut,
    guests: 2,
    ...(booking.paymentMethod ? { paymentMethod: booking.paymentMethod } : {}),
  });
  driven.answers.push({ call: 'create', status: created.status });
  if (created.status === 409 && created.body.type?.endsWith('dates-unavailable')) {
    driven.outcome = 'refused';
    return;
  }
  if (created.status !== 201) {
    throw new Error(
      `POST /bookings answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`,
    );
  }

  const act = async (action: 'approve' | 'decline' | 'cancel', actor: Actor, readyAt: BookingStatus) => {
    const reached = await watcher.until(bookingId, [readyAt, ...ENDED], waitMs);
    if (reached === undefined) throw new Error(`never reached ${readyAt} within ${waitMs} ms`);
    if (reached === 'expired') {
      driven.outcome = 'expired-first';
      return;
    }
    if (reached !== readyAt) throw new Error(`ended ${reached} before the ${action}`);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const answer = await client.call('POST', `/bookings/${bookingId}/${action}`, actor, {
        reason: `chaos run: ${action}`,
      });
      driven.answers.push({ call: action, status: answer.status });
      if (answer.status === 200) return;
      if (answer.status !== 409) throw new Error(`${action} answered ${answer.status}`);
      // 409: not possible in the booking's state. The workflow may still be a step behind its row (the row
      // is written by the activity just before the workflow advances), or an earlier attempt whose answer was
      // lost already took effect: the workflow's own state tells which.
      const state = await client.call('GET', `/bookings/${bookingId}`, actor);
      const status = state.body.status;
      if (status === 'expired') {
        driven.outcome = 'expired-first';
        return;
      }
      if (status !== 'held' && status !== 'authorized' && status !== 'requested') return;
      await sleep(RETRY_PAUSE_MS);
    }
    throw new Error(`could not ${action} within ${waitMs} ms`);
  };

  switch (booking.scenario) {
    case 'request-approved':
      return act('approve', host(plannedCase.hostId), 'awaiting_approval');
    case 'request-declined':
      return act('decline', host(plannedCase.hostId), 'awaiting_approval');
    case 'guest-cancel-request':
      return act('cancel', guest(booking), 'awaiting_approval');
    case 'guest-cancel-confirmed':
      return act('cancel', guest(booking), 'confirmed');
    default:
      return;
  }
}
