import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { createBookingsApp } from '@kvartirnsk/api-bookings/app';
import { applyListingEvent } from '@kvartirnsk/api-bookings/listing-replica';
import { loadConfig } from '@kvartirnsk/lib/config';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import type { Kysely } from '@kvartirnsk/lib/postgres';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import {
  BOOKINGS_TASK_QUEUE,
  type BookingState,
  bookingWorkflowId,
} from '@kvartirnsk/workflows/bookings/contract';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import { type BenchOptions, parseBenchOptions } from './cli';
import { type CpuShare, measureCpu } from './cpu';
import { type MachineInfo, machineInfo, writeResult } from './results';
import { type PhaseStats, phaseStats, Progress, runPool } from './stats';
import { trivialActivities } from './trivial-activities';
import { BOOKING_ACTIVITY_COUNT, TRIVIAL_TASK_QUEUE, trivialWorkflow } from './trivial-workflow';

// Booking throughput and latency (API call → `confirmed`) against a trivial workflow with as many
// activities, in one run, on the local dev server. Workers, the bookings API and the load generator share
// this process, as in api/bookings/bookings.int.test.ts, but in a namespace of their own.

/** Registered with our search attributes by scripts/stack; tests use kvartirnsk-test, the local app default. */
const BENCH_NAMESPACE = process.env.TEMPORAL_BENCH_NAMESPACE ?? 'kvartirnsk-bench';
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

/** Bookings are spread over this many listings (and then over later dates), so none overlaps another. */
const LISTING_COUNT = 100;
const NIGHTS = 2;
/** How often the bookings table is read for newly confirmed bookings. */
const CONFIRMATION_POLL_MS = 20;
/** A booking not confirmed by then counts as failed, so a stuck flow cannot hang the run. */
const CONFIRMATION_TIMEOUT_MS = 60_000;

export const TARGETS = { minThroughputRatio: 0.6, maxP95Ratio: 2 } as const;

export interface MeasuredPhase extends PhaseStats {
  cpu: CpuShare;
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
  };
  /** Trivial workflow: start → completed, through the Temporal client. */
  trivial: MeasuredPhase;
  /** Booking: POST /bookings → the booking row turns `confirmed`. */
  booking: MeasuredPhase & { apiResponseMs: PhaseStats['latencyMs'] };
  ratios: { throughput: number; p95: number };
  targets: typeof TARGETS;
  meetsTargets: { throughput: boolean; p95: boolean };
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

interface Phase {
  latencies: number[];
  failures: number;
  wallMs: number;
}

/** Runs items [from, to) through `item`, which returns the latency of one, with bounded concurrency. */
async function runPhase(
  label: string,
  from: number,
  to: number,
  concurrency: number,
  errors: string[],
  item: (index: number) => Promise<number>,
): Promise<Phase> {
  const latencies: number[] = [];
  let failures = 0;
  const progress = new Progress(label);
  const startedAt = performance.now();
  await runPool(from, to, concurrency, async (index) => {
    try {
      latencies.push(await item(index));
    } catch (err) {
      failures += 1;
      if (errors.length < 20) errors.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    }
    progress.update(latencies.length + failures, to - from, failures ? `(${failures} failed)` : '');
  });
  return { latencies, failures, wallMs: performance.now() - startedAt };
}

export async function runBookingBenchmark(
  options: Pick<BenchOptions, 'count' | 'concurrency' | 'warmup'>,
): Promise<BookingBenchResult> {
  const { count, concurrency, warmup } = options;
  const runId = randomUUID().slice(0, 8);
  const errors: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const started = { bookings: [] as string[] };

  try {
    // Worker lifecycle chatter would bury the progress line; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    console.log(`booking benchmark: setting up (namespace ${BENCH_NAMESPACE}, databases, bundles, workers)`);
    const [bookingsDb, paymentsDb]: [TestDatabase<BookingsDatabase>, TestDatabase<PaymentsDatabase>] =
      await Promise.all([
        createTestDatabase<BookingsDatabase>('bench_bookings', bookingsMigrations),
        createTestDatabase<PaymentsDatabase>('bench_payments', paymentsMigrations),
      ]);
    cleanups.push(
      () => bookingsDb.drop(),
      () => paymentsDb.drop(),
    );
    await publishListings(bookingsDb.db);

    const clientConnection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    cleanups.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: BENCH_NAMESPACE });

    const [bookingBundle, paymentBundle, trivialBundle] = await Promise.all([
      bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
      bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      bundleWorkflows(require.resolve('./trivial-workflow')),
    ]);
    // One worker connection for all three pools: the trivial baseline shares it with the booking flow.
    const workerConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
    const workerOptions = { connection: workerConnection, namespace: BENCH_NAMESPACE };
    const workers = await Promise.all([
      Worker.create({
        ...workerOptions,
        taskQueue: BOOKINGS_TASK_QUEUE,
        workflowBundle: bookingBundle,
        activities: createBookingActivities({
          db: bookingsDb.db,
          fees: { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 },
        }),
      }),
      Worker.create({
        ...workerOptions,
        taskQueue: PAYMENTS_TASK_QUEUE,
        workflowBundle: paymentBundle,
        activities: createPaymentActivities({
          stripe: createStripe(loadConfig(stripeConfigShape)),
          db: paymentsDb.db,
        }),
      }),
      Worker.create({
        ...workerOptions,
        taskQueue: TRIVIAL_TASK_QUEUE,
        workflowBundle: trivialBundle,
        activities: trivialActivities,
      }),
    ]);
    const running = Promise.all(workers.map((worker) => worker.run()));
    cleanups.push(async () => {
      for (const worker of workers) worker.shutdown();
      await running;
      await workerConnection.close();
    });
    // Confirmed bookings sleep until check-out: end them, so the namespace is left with nothing running.
    cleanups.push(() =>
      runPool(0, started.bookings.length, 20, (i) =>
        temporal.workflow
          .getHandle(bookingWorkflowId(started.bookings[i]!))
          .terminate('benchmark finished')
          .then(
            () => undefined,
            () => undefined,
          ),
      ),
    );

    const app = createBookingsApp({
      db: bookingsDb.db,
      temporal,
      logger: createLogger('bench', 'silent'),
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

    const runTrivial = async (index: number) => {
      const startedAt = Date.now();
      await temporal.workflow.execute(trivialWorkflow, {
        workflowId: `bench-trivial:${runId}:${index}`,
        taskQueue: TRIVIAL_TASK_QUEUE,
      });
      return Date.now() - startedAt;
    };
    const apiResponses: number[] = [];
    const runBooking = async (index: number) => {
      const bookingId = randomUUID();
      started.bookings.push(bookingId);
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
        throw new Error(`POST /bookings answered ${res.status}: ${JSON.stringify(state).slice(0, 300)}`);
      }
      return (await confirmed) - startedAt;
    };

    // Warm both paths (bundles in the workflow sandbox, JIT, connection pools) before anything is measured.
    await runPhase('warm-up trivial', 0, warmup, concurrency, errors, runTrivial);
    await runPhase('warm-up booking', 0, warmup, concurrency, errors, runBooking);
    apiResponses.length = 0;
    errors.length = 0;

    const trivialCpu = measureCpu();
    const trivial = await runPhase('trivial', warmup, warmup + count, concurrency, errors, runTrivial);
    const trivialCpuShare = trivialCpu();
    const bookingCpu = measureCpu();
    const booking = await runPhase('booking', warmup, warmup + count, concurrency, errors, runBooking);
    const bookingCpuShare = bookingCpu();

    const trivialStats = phaseStats(trivial.latencies, trivial.failures, trivial.wallMs);
    const bookingStats = phaseStats(booking.latencies, booking.failures, booking.wallMs);
    const ratios = {
      throughput: Number((bookingStats.throughputPerSecond / trivialStats.throughputPerSecond).toFixed(3)),
      p95: Number((bookingStats.latencyMs.p95 / trivialStats.latencyMs.p95).toFixed(3)),
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
      },
      trivial: { ...trivialStats, cpu: trivialCpuShare },
      booking: {
        ...bookingStats,
        apiResponseMs: phaseStats(apiResponses, 0, booking.wallMs).latencyMs,
        cpu: bookingCpuShare,
      },
      ratios,
      targets: TARGETS,
      meetsTargets: {
        throughput: ratios.throughput >= TARGETS.minThroughputRatio,
        p95: ratios.p95 <= TARGETS.maxP95Ratio,
      },
      errors,
    };
  } finally {
    console.log('booking benchmark: cleaning up');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
    }
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
