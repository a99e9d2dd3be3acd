import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createBookingsApp } from '@kvartirnsk/api-bookings/app';
import { applyListingEvent } from '@kvartirnsk/api-bookings/listing-replica';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import pino from 'pino';
import type { Kysely } from '@kvartirnsk/lib/postgres';
import { createTestDatabase } from '@kvartirnsk/lib/testing';
import type { BookingState } from '@kvartirnsk/workflows/bookings/contract';
import { assertQueuesFree } from './chaos/harness';
import { type BenchOptions, parseBenchOptions } from './cli';
import { type CpuShare, measureCpu } from './cpu';
import { loadAverage, type MachineInfo, machineInfo, writeResult } from './results';
import {
  type LatencyStats,
  latencyStats,
  type Load,
  type PhaseStats,
  phaseStats,
  Progress,
  runPool,
  runUnderLoad,
} from './stats';
import { BOOKING_ACTIVITY_COUNT, TRIVIAL_TASK_QUEUE, trivialWorkflow } from './trivial-workflow';
import { WorkerProcesses } from './worker-processes';

// Booking throughput and latency (API call → `confirmed`) against a trivial workflow with as many
// activities, in one run, on the local dev server, in a namespace of its own. The worker pools run as
// separate processes started like scripts/services starts them (workers/booking.ts, workers/payment.ts, and
// workers/test-pool.ts for the baseline), one process each; the bookings API and the load generator run here.

/** Registered with our search attributes by scripts/stack; tests use kvartirnsk-test, the local app default. */
export const BENCH_NAMESPACE = process.env.TEMPORAL_BENCH_NAMESPACE ?? 'kvartirnsk-bench';
export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

/** Bookings are spread over this many listings (and then over later dates), so none overlaps another. */
const LISTING_COUNT = 100;
const NIGHTS = 2;
/** How often the bookings table is read for newly confirmed bookings. */
const CONFIRMATION_POLL_MS = 20;
/** A booking not confirmed by then counts as failed, so a stuck flow cannot hang the run. */
const CONFIRMATION_TIMEOUT_MS = 60_000;
/** Looks for this run's open workflows until none is left, at most this many times. */
const CLEANUP_PASSES = 5;
/** The booking id inside the id of each workflow of a booking (the booking's, its payment's, its payout's). */
const BOOKING_ID_IN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

export const TARGETS = { minThroughputRatio: 0.6, maxP95Ratio: 2 } as const;
/** Flows of each kind measured at equal offered load (fewer if the run measures fewer). */
const EQUAL_LOAD_COUNT = 150;

/** CPU groups of the worker processes, as they appear in the CPU tables. */
export const WORKER_GROUPS = {
  booking: 'booking workers',
  payment: 'payment workers',
  trivial: 'trivial worker',
} as const;

export interface MeasuredPhase extends PhaseStats {
  cpu: CpuShare;
  loadAverage: { start: number[]; end: number[] };
}

export interface BookingPhase extends MeasuredPhase {
  /** POST /bookings until its 201 (the dates are held and the price is known). */
  apiResponse: LatencyStats;
}

export interface BookingBenchResult {
  name: 'booking';
  machine: MachineInfo;
  parameters: {
    count: number;
    concurrency: number;
    warmup: number;
    listings: number;
    activitiesPerFlow: number;
    namespace: string;
    temporalAddress: string;
    /** Worker processes per pool; every pool with the sizing of workers/run-worker.ts's defaults. */
    workerProcesses: Record<string, number>;
  };
  /** Trivial workflow: start → its fifth activity ran. */
  trivial: MeasuredPhase;
  /** Booking: POST /bookings → the booking row turns `confirmed` (written by confirmBooking, the fifth activity). */
  booking: BookingPhase;
  /** Both flows again, each offered the same steady arrival rate (an open loop) below saturation. */
  atEqualLoad: { perSecond: number; trivial: MeasuredPhase; booking: BookingPhase };
  ratios: { throughput: number; p95: number; p95AtEqualLoad: number };
  targets: typeof TARGETS;
  meetsTargets: { throughput: boolean; p95: boolean; p95AtEqualLoad: boolean };
  errors: string[];
}

const HOST: Actor = { userId: 'bench-host', roles: ['guest', 'host'] };
const GUEST: Actor = { userId: 'bench-guest', roles: ['guest'] };

function listingId(index: number) {
  return `bench-listing-${index}`;
}

/** Listing i % L, then the next free dates at it: every booking of the run gets nights of its own. */
function stayFor(index: number) {
  const slot = Math.floor(index / LISTING_COUNT);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const firstDay = 30 + slot * (NIGHTS + 1);
  return {
    listingId: listingId(index % LISTING_COUNT),
    checkIn: day(firstDay),
    checkOut: day(firstDay + NIGHTS),
  };
}

async function publishListings(db: Kysely<BookingsDatabase>) {
  for (let i = 0; i < LISTING_COUNT; i += 1) {
    await applyListingEvent(
      db,
      domainEvent('listings', 'listing.published', {
        listingId: listingId(i),
        hostId: HOST.userId,
        title: `Бенчмарк ${i}`,
        currency: 'RUB',
        nightlyPrice: 450_000,
        weekendPrice: 550_000,
        cleaningFee: 120_000,
        maxGuests: 4,
        minNights: 1,
        maxNights: 28,
        instantBook: true,
      }),
    );
  }
}

/**
 * Learns when bookings are confirmed by reading the bookings table in one query per tick for everything in
 * flight (querying each workflow would load the server under test). The confirmation instant is the row's
 * `updated_at`, written by confirmBooking, so the poll interval does not blur latencies; it only delays
 * freeing the slot by up to one tick.
 */
class ConfirmationWatcher {
  private readonly waiting = new Map<
    string,
    { resolve: (confirmedAt: number) => void; reject: (err: Error) => void; deadline: number }
  >();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly db: Kysely<BookingsDatabase>) {}

  start() {
    const tick = async () => {
      try {
        await this.poll();
      } catch (err) {
        for (const entry of this.waiting.values()) entry.reject(err as Error);
        this.waiting.clear();
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), CONFIRMATION_POLL_MS);
    };
    void tick();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  confirmed(bookingId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.set(bookingId, { resolve, reject, deadline: Date.now() + CONFIRMATION_TIMEOUT_MS });
    });
  }

  private async poll() {
    if (this.waiting.size === 0) return;
    const rows = await this.db
      .selectFrom('bookings')
      .select(['id', 'status', 'updated_at', 'failure_reason'])
      .where('id', 'in', [...this.waiting.keys()])
      .where('status', 'not in', ['held', 'awaiting_approval'])
      .execute();
    for (const row of rows) {
      const entry = this.waiting.get(row.id);
      if (!entry) continue;
      this.waiting.delete(row.id);
      if (row.status === 'confirmed') entry.resolve(row.updated_at.getTime());
      else entry.reject(new Error(`booking ${row.id} ended ${row.status}: ${row.failure_reason ?? ''}`));
    }
    const now = Date.now();
    for (const [id, entry] of this.waiting) {
      if (now > entry.deadline) {
        this.waiting.delete(id);
        entry.reject(new Error(`booking ${id} not confirmed within ${CONFIRMATION_TIMEOUT_MS} ms`));
      }
    }
  }
}

/** Runs items [from, to) through `item`, which returns the latency of one, under `load`. */
async function runPhase(
  label: string,
  from: number,
  to: number,
  load: Load,
  errors: string[],
  item: (index: number) => Promise<number>,
) {
  const latencies: number[] = [];
  let failures = 0;
  const progress = new Progress(label, to - from);
  const startedAt = performance.now();
  await runUnderLoad(from, to, load, async (index) => {
    try {
      latencies.push(await item(index));
    } catch (err) {
      failures += 1;
      if (errors.length < 20) errors.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    }
    progress.update(latencies.length + failures, failures ? `${failures} failed` : '');
  });
  progress.stop();
  return phaseStats(latencies, failures, performance.now() - startedAt);
}

/**
 * Everything a booking measurement needs, set up once: fresh bookings and payments databases with the
 * listings, the bookings API on a real HTTP listener, the confirmation watcher, a Temporal client and the
 * worker processes (started by the caller, which decides how many of each pool).
 */
export interface BookingRig {
  temporal: Client;
  workers: WorkerProcesses;
  errors: string[];
  /** Runs bookings [from, to) through the API, timed to `confirmed`, with the CPU of every party. */
  measureBookings(label: string, from: number, to: number, load: Load): Promise<BookingPhase>;
  /** Runs trivial workflows [from, to), timed to their last activity. */
  measureTrivial(label: string, from: number, to: number, load: Load): Promise<MeasuredPhase>;
  close(): Promise<void>;
}

export async function openBookingRig(label: string): Promise<BookingRig> {
  const runId = randomUUID().slice(0, 8);
  const errors: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    console.log(`${label}: cleaning up`);
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
    }
  };
  try {
    const clientConnection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: BENCH_NAMESPACE });
    // Our workers would take tasks of a chaos run (or another benchmark) in this namespace, and theirs ours.
    await assertQueuesFree(temporal, BENCH_NAMESPACE);

    const [bookingsDb, paymentsDb] = await Promise.all([
      createTestDatabase<BookingsDatabase>('bench_bookings', bookingsMigrations),
      createTestDatabase<PaymentsDatabase>('bench_payments', paymentsMigrations),
    ]);
    cleanups.push(
      () => bookingsDb.drop(),
      () => paymentsDb.drop(),
    );
    await publishListings(bookingsDb.db);

    // Confirmed bookings sleep until check-out and their payouts until after check-in; a booking that failed
    // may leave its payment waiting for capture. End this run's open ones, so the namespace is left idle. This
    // runs after the workers have stopped (cleanups run in reverse), so no booking starts a payout meanwhile;
    // visibility lags a little behind, so it looks again until nothing of ours is left.
    const startedBookings = new Set<string>();
    const openedAt = new Date();
    cleanups.push(async () => {
      for (let pass = 0; pass < CLEANUP_PASSES; pass += 1) {
        const open: string[] = [];
        for await (const execution of temporal.workflow.list({
          query: `ExecutionStatus = 'Running' AND StartTime >= '${openedAt.toISOString()}'`,
        })) {
          const bookingId = BOOKING_ID_IN.exec(execution.workflowId)?.[0];
          if (bookingId && startedBookings.has(bookingId)) open.push(execution.workflowId);
        }
        if (open.length === 0) return;
        await runPool(0, open.length, 10, (i) =>
          temporal.workflow
            .getHandle(open[i]!)
            .terminate('benchmark finished')
            .then(
              () => undefined,
              () => undefined,
            ),
        );
        await sleep(1_000);
      }
    });

    const logDir = mkdtempSync(path.join(os.tmpdir(), 'kvartirnsk-bench-'));
    console.log(`${label}: logs of the API and the workers in ${logDir}`);
    const workers = new WorkerProcesses(
      {
        TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: BENCH_NAMESPACE,
        BOOKINGS_DATABASE_URL: bookingsDb.url,
        PAYMENTS_DATABASE_URL: paymentsDb.url,
        TEST_TASK_QUEUE: TRIVIAL_TASK_QUEUE,
        LOG_LEVEL: 'info',
      },
      logDir,
    );
    cleanups.push(() => workers.stopAll());

    const apiLogFile = path.join(logDir, 'bookings-api.log');
    const app = createBookingsApp({
      db: bookingsDb.db,
      temporal,
      // Warnings and errors (a 500's cause) go to a file: on the terminal they would break the progress bars.
      logger: pino(
        { name: 'bench-bookings-api', level: 'warn' },
        pino.destination({ dest: apiLogFile, sync: true }),
      ),
      terms: { approvalWindow: '1 hour' },
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bookings`;

    const watcher = new ConfirmationWatcher(bookingsDb.db);
    watcher.start();
    cleanups.push(async () => watcher.stop());

    const apiResponses: number[] = [];
    const runBooking = async (index: number) => {
      const bookingId = randomUUID();
      startedBookings.add(bookingId);
      const startedAt = Date.now();
      const confirmed = watcher.confirmed(bookingId);
      const res = await fetch(apiUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...identityHeaders(GUEST) },
        body: JSON.stringify({ bookingId, guests: 2, ...stayFor(index) }),
      });
      apiResponses.push(Date.now() - startedAt);
      const state = (await res.json()) as BookingState;
      if (res.status !== 201 || !['held', 'authorized', 'confirmed'].includes(state.status)) {
        confirmed.catch(() => undefined);
        const causes = res.status >= 500 ? ` (causes in ${apiLogFile})` : '';
        throw new Error(
          `POST /bookings answered ${res.status}${causes}: ${JSON.stringify(state).slice(0, 300)}`,
        );
      }
      return (await confirmed) - startedAt;
    };
    const runTrivial = async (index: number) => {
      const startedAt = Date.now();
      const lastActivityRanAt = await temporal.workflow.execute(trivialWorkflow, {
        workflowId: `bench-trivial:${runId}:${index}`,
        taskQueue: TRIVIAL_TASK_QUEUE,
      });
      return lastActivityRanAt - startedAt;
    };

    /** Times a phase, with the CPU of every party (worker processes by group) and the load around it. */
    const measured = async <T extends PhaseStats>(run: () => Promise<T>) => {
      const loadAtStart = loadAverage();
      const stopCpu = measureCpu(workers.groups());
      const stats = await run();
      return { ...stats, cpu: stopCpu(), loadAverage: { start: loadAtStart, end: loadAverage() } };
    };

    return {
      temporal,
      workers,
      errors,
      measureBookings: (phase, from, to, load) =>
        measured(async () => {
          apiResponses.length = 0;
          const stats = await runPhase(phase, from, to, load, errors, runBooking);
          return { ...stats, apiResponse: latencyStats(apiResponses) };
        }),
      measureTrivial: (phase, from, to, load) =>
        measured(() => runPhase(phase, from, to, load, errors, runTrivial)),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function runBookingBenchmark(
  options: Pick<BenchOptions, 'bookings' | 'concurrency' | 'warmup'>,
): Promise<BookingBenchResult> {
  const { bookings: count, concurrency, warmup } = options;
  console.log(`booking benchmark: setting up (namespace ${BENCH_NAMESPACE}, databases, worker processes)`);
  const rig = await openBookingRig('booking benchmark');
  try {
    const workerProcesses = {
      [WORKER_GROUPS.booking]: 1,
      [WORKER_GROUPS.payment]: 1,
      [WORKER_GROUPS.trivial]: 1,
    };
    await Promise.all([
      rig.workers.start(WORKER_GROUPS.booking, 'booking', 1),
      rig.workers.start(WORKER_GROUPS.payment, 'payment', 1),
      rig.workers.start(WORKER_GROUPS.trivial, 'test-pool', 1),
    ]);

    // Warm both paths (JIT, connection pools, sticky caches) before anything is measured.
    const saturating = { inFlight: concurrency };
    await rig.measureTrivial('warm-up trivial', 0, warmup, saturating);
    await rig.measureBookings('warm-up booking', 0, warmup, saturating);
    rig.errors.length = 0;

    const trivial = await rig.measureTrivial('trivial', warmup, warmup + count, saturating);
    const booking = await rig.measureBookings('booking', warmup, warmup + count, saturating);

    // Under saturation a closed loop's latency is its queue (in flight ÷ throughput), so the p95 ratio there
    // only restates the throughput ratio. Latency is compared again with both flows offered the same load,
    // half of what the booking flow sustains, as users arrive: the time one flow takes, not its queue.
    const equalLoad = { perSecond: Math.max(0.5, Math.round(booking.throughputPerSecond) / 2) };
    const paced = Math.min(count, EQUAL_LOAD_COUNT);
    let next = warmup + count;
    const trivialAtEqualLoad = await rig.measureTrivial('trivial, paced', next, next + paced, equalLoad);
    next += paced;
    const bookingAtEqualLoad = await rig.measureBookings('booking, paced', next, next + paced, equalLoad);

    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    const ratios = {
      throughput: ratio(booking.throughputPerSecond, trivial.throughputPerSecond),
      p95: ratio(booking.latencyMs.p95, trivial.latencyMs.p95),
      p95AtEqualLoad: ratio(bookingAtEqualLoad.latencyMs.p95, trivialAtEqualLoad.latencyMs.p95),
    };
    return {
      name: 'booking',
      machine: machineInfo(),
      parameters: {
        count,
        concurrency,
        warmup,
        listings: LISTING_COUNT,
        activitiesPerFlow: BOOKING_ACTIVITY_COUNT,
        namespace: BENCH_NAMESPACE,
        temporalAddress: TEMPORAL_ADDRESS,
        workerProcesses,
      },
      trivial,
      booking,
      atEqualLoad: {
        perSecond: equalLoad.perSecond,
        trivial: trivialAtEqualLoad,
        booking: bookingAtEqualLoad,
      },
      ratios,
      targets: TARGETS,
      meetsTargets: {
        throughput: ratios.throughput >= TARGETS.minThroughputRatio,
        p95: ratios.p95 <= TARGETS.maxP95Ratio,
        p95AtEqualLoad: ratios.p95AtEqualLoad <= TARGETS.maxP95Ratio,
      },
      errors: rig.errors,
    };
  } finally {
    await rig.close();
  }
}

if (require.main === module) {
  runBookingBenchmark(parseBenchOptions())
    .then((result) => {
      console.log(`wrote ${writeResult('booking', result)}`);
      console.log(
        JSON.stringify({ trivial: result.trivial, booking: result.booking, ratios: result.ratios }),
      );
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
