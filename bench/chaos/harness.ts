import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { reviewsConfigShape } from '@kvartirnsk/activities/reviews/config';
import {
  LEDGER_TRANSACTION_KINDS,
  type LedgerTransactionKind,
  paymentsMigrations,
  type PaymentsDatabase,
} from '@kvartirnsk/activities/payments/schema';
import { stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { startStripeFaultProxy } from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import { analyticsMigrations, type AnalyticsDatabase } from '@kvartirnsk/api-analytics/schema';
import { createBookingsApp } from '@kvartirnsk/api-bookings/app';
import { searchConfigShape } from '@kvartirnsk/api-search/config';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { connectEventBus, OutboxRelay } from '@kvartirnsk/lib/events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import type { TestDatabase } from '@kvartirnsk/lib/testing';
import {
  BOOKINGS_TASK_QUEUE,
  type BookingState,
  bookingStateQuery,
  bookingWorkflowId,
  parseBookingWorkflowId,
} from '@kvartirnsk/workflows/bookings/contract';
import {
  parsePaymentsWorkflowId,
  PAYMENTS_TASK_QUEUE,
  reconciliationWorkflowId,
} from '@kvartirnsk/workflows/payments/contract';
import { reconciliationWorkflow } from '@kvartirnsk/workflows/payments/reconciliation-workflow';
import { parseReviewWindowWorkflowId, REVIEWS_TASK_QUEUE } from '@kvartirnsk/workflows/reviews/contract';
import { type MachineInfo, machineInfo } from '../results';
import { runPool } from '../stats';
import { createRunDatabase } from './databases';
import { awaitDownstream, createRunVhost, dropSearchIndex, freePort, moscowDay } from './downstream';
import { BookingsClient, type DrivenBooking, driveCase, StatusWatcher } from './driver';
import { FAULT_KINDS, type FaultEvent, type FaultKind, planFaults, runFaults } from './faults';
import {
  checkInvariants,
  type InvariantResult,
  isEffective,
  movementOf,
  type ReconciliationOutcome,
  type SettledBooking,
} from './invariants';
import type { ChaosOptions } from './options';
import { type ProcessName, ServiceProcesses, type SupervisorRestart } from './processes';
import { SeededRandom } from './random';
import { expectationFor, planCases, SCENARIOS, type Scenario } from './scenarios';

/** Review windows of completed stays close on their own within the run. */
const REVIEW_WINDOW = '10 seconds';
const QUERY_CONCURRENCY = 6;
const RECONCILIATION_TIMEOUT_MS = 300_000;

export interface ChaosResult {
  name: 'chaos';
  ok: boolean;
  machine: MachineInfo;
  runId: string;
  parameters: Omit<ChaosOptions, 'progress' | 'keepDatabases'> & { reviewWindow: string; cases: number };
  timings: {
    setupSeconds: number;
    driveSeconds: number;
    settleSeconds: number;
    verifySeconds: number;
    totalSeconds: number;
    /** From spawning each process to it being ready (a worker polling, a consumer subscribed), at the start. */
    processStartMs: Record<ProcessName, number>;
    /** From the run settling to analytics and the search index agreeing with it; null if they did not. */
    catchUpSeconds: number | null;
  };
  faults: {
    injected: Record<FaultKind, number>;
    events: FaultEvent[];
    /** Processes that died on their own (not by an injected SIGKILL) and were started again. */
    supervisorRestarts: SupervisorRestart[];
    providerCalls: {
      total: number;
      moneyMoving: number;
      effective: number;
      replayedFromIdempotencyCache: number;
      answersLost: number;
      faultedHung: number;
      faulted5xx: number;
      declined402: number;
    };
  };
  bookings: {
    total: number;
    byFinalStatus: Record<string, number>;
    byScenario: Record<Scenario, Record<string, number>>;
    /** A host's answer or a guest's cancellation that came after the approval window had closed. */
    expiredBeforeAction: number;
    refusedAsOverlap: number;
    api: { calls: number; retries: number; lost: number };
    problems: string[];
  };
  ledger: {
    transactionsByKind: Record<LedgerTransactionKind, number>;
    refundedKopecks: number;
    paidOutKopecks: number;
  };
  reconciliation: ReconciliationOutcome | { error: string } | { skipped: string };
  downstream: {
    vhost: string;
    searchAlias: string;
    /** The days the analytics funnel was asked for (Moscow time). */
    funnelRange: { from: string; to: string };
    /** Events the outbox relay published to the run's vhost. */
    eventsRelayed: number;
    /** Pooled Postgres connections of the harness that a server restart ended. */
    harnessConnectionsLost: number;
  };
  invariants: InvariantResult[];
  logDir: string;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1));

/** Progress bars on a terminal; elsewhere (CI, a log file) a line every few seconds; or nothing. */
class ProgressDisplay {
  private readonly bars: MultiBar | undefined;
  private readonly byName = new Map<string, SingleBar>();

  constructor(enabled: boolean) {
    this.bars = enabled
      ? new MultiBar(
          {
            format: '{label} |{bar}| {value}/{total} {extra}',
            hideCursor: true,
            clearOnComplete: false,
            noTTYOutput: true,
            notTTYSchedule: 5_000,
          },
          Presets.shades_classic,
        )
      : undefined;
  }

  bar(name: string, total: number): void {
    this.byName.set(name, this.bars?.create(total, 0, { label: name.padEnd(8), extra: '' }) as SingleBar);
  }

  update(name: string, value: number, extra = ''): void {
    this.byName.get(name)?.update(value, { extra });
  }

  log(line: string): void {
    if (this.bars) this.bars.log(`${line}\n`);
    else console.log(line);
  }

  stop(): void {
    this.bars?.stop();
  }
}

/** Refuses to share the namespace's queues with live workers of someone else (another benchmark, another run). */
export async function assertQueuesFree(client: Client, namespace: string): Promise<void> {
  const busy: string[] = [];
  for (const queue of [BOOKINGS_TASK_QUEUE, PAYMENTS_TASK_QUEUE, REVIEWS_TASK_QUEUE]) {
    for (const taskQueueType of [
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ]) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: queue },
        taskQueueType,
      });
      for (const { identity } of pollers ?? []) {
        const [pid, host] = (identity ?? '').split('@');
        let alive = host !== os.hostname();
        try {
          if (!alive) alive = process.kill(Number(pid), 0);
        } catch {
          alive = false;
        }
        if (alive) busy.push(`${queue}: ${identity}`);
      }
    }
  }
  if (busy.length > 0) {
    throw new Error(
      `namespace ${namespace} has live workers on our queues (${[...new Set(busy)].join(', ')}): another benchmark ` +
        'or chaos run is using it; wait for it to finish',
    );
  }
}

/** The run's own workflows that are still open, found by the booking ids their ids carry. */
async function terminateOpenWorkflows(client: Client, bookingIds: Set<string>, since: Date): Promise<number> {
  const ownerOf = (workflowId: string) =>
    parseBookingWorkflowId(workflowId) ??
    parsePaymentsWorkflowId(workflowId)?.bookingId ??
    parseReviewWindowWorkflowId(workflowId);
  const open: string[] = [];
  for await (const execution of client.workflow.list({
    query: `ExecutionStatus = 'Running' AND StartTime >= '${since.toISOString()}'`,
  })) {
    const owner = ownerOf(execution.workflowId);
    if (owner && bookingIds.has(owner)) open.push(execution.workflowId);
  }
  await runPool(0, open.length, 10, (i) =>
    client.workflow
      .getHandle(open[i]!)
      .terminate('chaos run finished')
      .then(
        () => undefined,
        () => undefined,
      ),
  );
  return open.length;
}

async function queryStates(client: Client, bookingIds: string[]): Promise<Map<string, BookingState>> {
  const states = new Map<string, BookingState>();
  await runPool(0, bookingIds.length, QUERY_CONCURRENCY, async (i) => {
    const id = bookingIds[i]!;
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        states.set(id, await client.workflow.getHandle(bookingWorkflowId(id)).query(bookingStateQuery));
        return;
      } catch (err) {
        lastError = err;
        await sleep(1_000);
      }
    }
    // The invariant reports the booking; why its workflow did not answer goes to the run's log.
    console.warn(
      `query of booking ${id} failed 3 times: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
    );
  });
  return states;
}

async function reconcile(
  client: Client,
  paymentsDb: TestDatabase<PaymentsDatabase>['db'],
  since: Date,
): Promise<ReconciliationOutcome> {
  // From the run's start exactly: payment workflows a previous run terminated moments before are not this run's.
  const period = { from: since.toISOString(), to: new Date(Date.now() + 5_000).toISOString() };
  const { reportId, differences } = await client.workflow.execute(reconciliationWorkflow, {
    workflowId: reconciliationWorkflowId(period),
    taskQueue: PAYMENTS_TASK_QUEUE,
    args: [{ period }],
    workflowExecutionTimeout: RECONCILIATION_TIMEOUT_MS,
  });
  const rows = await paymentsDb
    .selectFrom('reconciliation_differences')
    .select(['kind', 'booking_id', 'detail'])
    .where('report_id', '=', reportId)
    .execute();
  const byKind: Record<string, number> = {};
  for (const row of rows) byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  return {
    reportId,
    differences,
    byKind,
    examples: rows.slice(0, 10).map((row) => `${row.kind} ${row.booking_id ?? ''}: ${row.detail}`),
  };
}

const count = <T extends string>(keys: readonly T[], values: readonly string[]) =>
  Object.fromEntries(keys.map((key) => [key, values.filter((value) => value === key).length])) as Record<
    T,
    number
  >;

/**
 * The chaos run: its own databases, fault proxy, worker processes and bookings API in the bench namespace; a
 * mix of booking scenarios driven through the API while workers are killed, the provider fails and (if asked)
 * Postgres and the Temporal server restart; then every booking is waited for, the consumers downstream of the
 * bookings outbox (analytics, search indexer) are given time to catch up, and the invariants are checked.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const runId = randomBytes(4).toString('hex');
  const startedAt = new Date();
  const display = new ProgressDisplay(options.progress);
  const log = (line: string) => display.log(`[chaos ${runId}] ${line}`);
  const cleanups: Array<{ name: string; run: () => Promise<unknown> }> = [];
  const bookingIds = new Set<string>();
  const logDir = path.join(os.tmpdir(), `kvartirnsk-chaos-${runId}`);
  mkdirSync(logDir, { recursive: true });

  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: options.namespace });
  cleanups.push({ name: 'temporal client', run: () => connection.close() });
  try {
    await assertQueuesFree(client, options.namespace);
    log(
      `namespace ${options.namespace}, logs in ${logDir}; setting up databases, vhost, fault proxy, workers and consumers`,
    );
    let harnessConnectionsLost = 0;
    const connectionLost = () => {
      harnessConnectionsLost += 1;
    };
    const [bookingsDb, paymentsDb, analyticsDb] = await Promise.all([
      createRunDatabase<BookingsDatabase>('chaos_bookings', bookingsMigrations, connectionLost),
      createRunDatabase<PaymentsDatabase>('chaos_payments', paymentsMigrations, connectionLost),
      createRunDatabase<AnalyticsDatabase>('chaos_analytics', analyticsMigrations, connectionLost),
    ]);
    const reviewsDatabase = `chaos_reviews_${runId}`;
    const messagesDatabase = `chaos_messages_${runId}`;
    if (!options.keepDatabases) {
      cleanups.push(
        { name: 'bookings database', run: () => bookingsDb.drop() },
        { name: 'payments database', run: () => paymentsDb.drop() },
        { name: 'analytics database', run: () => analyticsDb.drop() },
        {
          name: 'reviews and messages databases',
          run: async () => {
            for (const database of [reviewsDatabase, messagesDatabase]) {
              const mongo = await connectMongo(loadConfig(reviewsConfigShape).MONGO_URL, database);
              await mongo.dropDatabase();
              await mongo.close();
            }
          },
        },
      );
    } else {
      log(
        `keeping databases ${bookingsDb.url}, ${paymentsDb.url}, ${analyticsDb.url} and mongo ${reviewsDatabase}, ${messagesDatabase}`,
      );
      cleanups.push(
        { name: 'bookings pool', run: () => bookingsDb.db.destroy() },
        { name: 'payments pool', run: () => paymentsDb.db.destroy() },
        { name: 'analytics pool', run: () => analyticsDb.db.destroy() },
      );
    }
    // The consumers' queue names are fixed: a vhost of the run's own keeps their events apart from a running stack.
    const vhost = await createRunVhost(`chaos-${runId}`);
    cleanups.push({ name: 'RabbitMQ vhost', run: () => vhost.drop() });
    const { ELASTICSEARCH_URL } = loadConfig(searchConfigShape);
    const search = createSearchClient(ELASTICSEARCH_URL);
    const searchAlias = `chaos-listings-${runId}`;
    cleanups.push(
      { name: 'search client', run: () => search.close() },
      { name: 'search index', run: () => dropSearchIndex(search, searchAlias) },
    );
    const proxy = await startStripeFaultProxy(loadConfig(stripeConfigShape).STRIPE_API_BASE);
    cleanups.push({ name: 'fault proxy', run: () => proxy.close() });

    const analyticsPort = await freePort();
    const processes = new ServiceProcesses(
      {
        TEMPORAL_ADDRESS: options.temporalAddress,
        TEMPORAL_NAMESPACE: options.namespace,
        BOOKINGS_DATABASE_URL: bookingsDb.url,
        PAYMENTS_DATABASE_URL: paymentsDb.url,
        REVIEWS_DATABASE: reviewsDatabase,
        // Notifications of the run's made-up users land in a database and under Redis keys of its own.
        MESSAGING_DATABASE: messagesDatabase,
        REDIS_KEY_PREFIX: `chaos-${runId}:`,
        STRIPE_API_BASE: proxy.url,
        RABBITMQ_URL: vhost.url,
        METRICS_PORT: '0',
        LOG_LEVEL: 'info',
        // A killed worker's sticky queue is given up after this, so its workflows move to the new process soon.
        WORKER_STICKY_TIMEOUT: '2s',
      },
      logDir,
      {
        analytics: {
          PORT: String(analyticsPort),
          HOST: '127.0.0.1',
          ANALYTICS_DATABASE_URL: analyticsDb.url,
        },
        'search-indexer': { ELASTICSEARCH_URL, SEARCH_INDEX: searchAlias },
      },
    );
    cleanups.push({ name: 'worker and consumer processes', run: () => processes.stopAll() });
    const timeToReady = async (name: ProcessName) => {
      const spawnedAt = Date.now();
      await processes.start(name);
      return [name, Date.now() - spawnedAt] as const;
    };
    const processStartMs = Object.fromEntries(
      await Promise.all(
        (['booking', 'payment', 'review', 'notification', 'analytics', 'search-indexer'] as const).map(
          timeToReady,
        ),
      ),
    ) as Record<ProcessName, number>;

    // The bookings API's outbox relay, as api/bookings/server.ts runs it beside the API.
    const bus = await connectEventBus(vhost.url);
    const relay = new OutboxRelay({
      db: bookingsDb.db,
      bus,
      logger: createLogger('chaos-outbox-relay', 'silent'),
    });
    relay.start();
    cleanups.push({
      name: 'outbox relay',
      run: async () => {
        await relay.stop();
        await bus.close();
      },
    });

    const app = createBookingsApp({
      db: bookingsDb.db,
      temporal: client,
      logger: createLogger('chaos-bookings-api', 'silent'),
      terms: { approvalWindow: `${options.approvalWindowSeconds} seconds`, reviewWindow: REVIEW_WINDOW },
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    cleanups.push({
      name: 'bookings API',
      run: () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      },
    });
    const api = new BookingsClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const watcher = new StatusWatcher(bookingsDb.db);
    watcher.start();
    cleanups.push({ name: 'status watcher', run: async () => watcher.stop() });
    const setupDoneAt = Date.now();

    // Separate streams, so changing the fault plan never reshuffles the bookings and the other way round.
    const cases = planCases(options.bookings, runId, new SeededRandom(options.seed));
    for (const plannedCase of cases)
      for (const booking of plannedCase.bookings) bookingIds.add(booking.bookingId);
    const faultPlan = planFaults(options, new SeededRandom(options.seed + 1));
    log(
      `driving ${options.bookings} bookings in ${cases.length} cases, ${options.concurrency} at a time; faults: ${faultPlan.map((f) => f.kind).join(', ')}`,
    );

    display.bar('driven', cases.length);
    let started = 0;
    let finished = 0;
    const driven: DrivenBooking[] = [];
    const faultEvents: FaultEvent[] = [];
    const driveExtra = () =>
      `faults ${faultEvents.length}/${faultPlan.length} | API retries ${api.stats.apiRetries} | provider faulted ${proxy.calls.filter((c) => c.faulted).length}`;
    const drive = runPool(0, cases.length, options.concurrency, async (i) => {
      started += 1;
      driven.push(
        ...(await driveCase(cases[i]!, {
          client: api,
          watcher,
          db: bookingsDb.db,
          stayLeadMs: options.stayLeadSeconds * 1000,
          waitMs: Math.max(120_000, options.approvalWindowSeconds * 4000),
        })),
      );
      finished += 1;
      display.update('driven', finished, driveExtra());
    });
    const faults = runFaults(
      faultPlan,
      () => started / cases.length,
      {
        workers: processes,
        proxy,
        bookingsDb: bookingsDb.db,
        paymentsDb: paymentsDb.db,
        providerFaultSeconds: options.providerFaultSeconds,
        random: new SeededRandom(options.seed + 2),
        log,
        logDir,
      },
      faultEvents,
    );
    const [driveOutcome, faultOutcome] = await Promise.allSettled([drive, faults]);
    if (driveOutcome.status === 'rejected') throw driveOutcome.reason;
    if (faultOutcome.status === 'rejected') throw faultOutcome.reason;
    display.update('driven', finished, driveExtra());
    const drivenAt = Date.now();

    // Settle: every booking must reach what its scenario (and what the driver saw) leads to, money included.
    const settled: SettledBooking[] = driven.map((d) => ({
      ...d,
      expected: expectationFor(d.booking.scenario, d.outcome),
      finalStatus: 'unknown',
    }));
    display.bar('settled', settled.length);
    const settleDeadline = Date.now() + options.settleTimeoutSeconds * 1000;
    for (;;) {
      const done = await settledCount(settled, bookingsDb.db, paymentsDb.db).catch(() => -1);
      display.update('settled', Math.max(0, done));
      if (done === settled.length || Date.now() > settleDeadline) break;
      await sleep(1_000);
    }
    const settledAt = Date.now();

    log('waiting for analytics and the search index to agree with the bookings table');
    const funnelRange = { from: moscowDay(startedAt), to: moscowDay(new Date()) };
    const downstream = await awaitDownstream(
      {
        bookingsDb: bookingsDb.db,
        analyticsDb: analyticsDb.db,
        analyticsUrl: `http://127.0.0.1:${analyticsPort}`,
        search,
        searchAlias,
        listingIds: cases.map((plannedCase) => plannedCase.listingId),
        range: funnelRange,
      },
      options.catchUpTimeoutSeconds * 1000,
    );
    log(
      downstream.catchUpMs === null
        ? `consumers did not agree within ${options.catchUpTimeoutSeconds} s`
        : `consumers agreed after ${seconds(downstream.catchUpMs)} s`,
    );

    log('verifying: workflow states, reconciliation, invariants');
    const states = await queryStates(client, [...bookingIds]);
    let reconciliation: ChaosResult['reconciliation'];
    let reconciliationOutcome: ReconciliationOutcome | undefined;
    try {
      reconciliationOutcome = await reconcile(client, paymentsDb.db, startedAt);
      reconciliation = reconciliationOutcome;
    } catch (err) {
      reconciliation = { error: err instanceof Error ? err.message : String(err) };
    }
    const invariants = await checkInvariants({
      bookings: settled,
      states,
      bookingsDb: bookingsDb.db,
      paymentsDb: paymentsDb.db,
      providerCalls: proxy.calls,
      reconciliation: reconciliationOutcome,
    });
    if (!reconciliationOutcome) {
      invariants.push({
        name: 'reconciliation-clean',
        description:
          'ReconciliationWorkflow over the run finds no difference between ledger, provider records and histories',
        ok: false,
        checked: 0,
        violations: 1,
        examples: ['error' in reconciliation ? reconciliation.error : 'not run'],
      });
    }
    invariants.push(...downstream.invariants);
    const eventsRelayed = await bookingsDb.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('published_at', 'is not', null)
      .executeTakeFirstOrThrow();
    const verifiedAt = Date.now();
    log(
      `setup ${seconds(setupDoneAt - startedAt.getTime())} s, driving ${seconds(drivenAt - setupDoneAt)} s, ` +
        `settling ${seconds(settledAt - drivenAt)} s, verifying ${seconds(verifiedAt - settledAt)} s`,
    );

    const ledgerRows = await paymentsDb.db
      .selectFrom('ledger_movements')
      .select(['kind', 'amount'])
      .execute();
    const sumOf = (kind: LedgerTransactionKind) =>
      ledgerRows.filter((row) => row.kind === kind).reduce((sum, row) => sum + Number(row.amount), 0);
    const moneyCalls = proxy.calls.filter((call) => movementOf(call));
    const byScenario = Object.fromEntries(
      SCENARIOS.map((scenario) => {
        const statuses: Record<string, number> = {};
        for (const b of settled.filter((s) => s.booking.scenario === scenario)) {
          statuses[b.finalStatus] = (statuses[b.finalStatus] ?? 0) + 1;
        }
        return [scenario, statuses];
      }),
    ) as Record<Scenario, Record<string, number>>;
    const byFinalStatus: Record<string, number> = {};
    for (const b of settled) byFinalStatus[b.finalStatus] = (byFinalStatus[b.finalStatus] ?? 0) + 1;

    return {
      name: 'chaos',
      ok: invariants.every((invariant) => invariant.ok),
      machine: machineInfo(),
      runId,
      parameters: {
        bookings: options.bookings,
        concurrency: options.concurrency,
        seed: options.seed,
        workerKills: options.workerKills,
        providerFaultSeconds: options.providerFaultSeconds,
        restartServers: options.restartServers,
        approvalWindowSeconds: options.approvalWindowSeconds,
        stayLeadSeconds: options.stayLeadSeconds,
        settleTimeoutSeconds: options.settleTimeoutSeconds,
        catchUpTimeoutSeconds: options.catchUpTimeoutSeconds,
        namespace: options.namespace,
        temporalAddress: options.temporalAddress,
        reviewWindow: REVIEW_WINDOW,
        cases: cases.length,
      },
      timings: {
        setupSeconds: seconds(setupDoneAt - startedAt.getTime()),
        driveSeconds: seconds(drivenAt - setupDoneAt),
        settleSeconds: seconds(settledAt - drivenAt),
        verifySeconds: seconds(verifiedAt - settledAt),
        totalSeconds: seconds(verifiedAt - startedAt.getTime()),
        processStartMs,
        catchUpSeconds: downstream.catchUpMs === null ? null : seconds(downstream.catchUpMs),
      },
      faults: {
        injected: count(
          FAULT_KINDS,
          faultEvents.map((event) => event.kind),
        ),
        events: faultEvents,
        supervisorRestarts: processes.supervisorRestarts,
        providerCalls: {
          total: proxy.calls.length,
          moneyMoving: moneyCalls.length,
          effective: moneyCalls.filter(isEffective).length,
          replayedFromIdempotencyCache: proxy.calls.filter((call) => call.replayed).length,
          answersLost: proxy.calls.filter((call) => call.answerLost && isEffective(call)).length,
          faultedHung: proxy.calls.filter((call) => call.faulted && call.status === 0).length,
          faulted5xx: proxy.calls.filter((call) => call.faulted && call.status >= 500).length,
          declined402: proxy.calls.filter((call) => call.status === 402).length,
        },
      },
      bookings: {
        total: settled.length,
        byFinalStatus,
        byScenario,
        expiredBeforeAction: settled.filter((b) => b.outcome === 'expired-first').length,
        refusedAsOverlap: settled.filter((b) => b.outcome === 'refused').length,
        api: { calls: api.stats.apiCalls, retries: api.stats.apiRetries, lost: api.stats.lostCalls.length },
        problems: settled
          .flatMap((b) => (b.problem ? [`${b.booking.bookingId}: ${b.problem}`] : []))
          .slice(0, 20),
      },
      ledger: {
        transactionsByKind: count(
          LEDGER_TRANSACTION_KINDS,
          ledgerRows.map((row) => row.kind),
        ),
        refundedKopecks: sumOf('refund'),
        paidOutKopecks: sumOf('payout'),
      },
      reconciliation,
      downstream: {
        vhost: vhost.name,
        searchAlias,
        funnelRange,
        eventsRelayed: Number(eventsRelayed.count),
        harnessConnectionsLost,
      },
      invariants,
      logDir,
    };
  } finally {
    display.stop();
    const terminated = await terminateOpenWorkflows(client, bookingIds, startedAt).catch((err: unknown) => {
      console.error('could not end the run’s open workflows:', err);
      return 0;
    });
    if (terminated > 0)
      log(`terminated ${terminated} open workflows of the run (stays not due yet, review windows)`);
    for (const cleanup of cleanups.reverse()) {
      await cleanup
        .run()
        .catch((err: unknown) => console.error(`cleanup of the ${cleanup.name} failed:`, err));
    }
  }
}

/** How many bookings are where they should be: the row's status (or no row) and every ledger posting expected. */
async function settledCount(
  bookings: SettledBooking[],
  bookingsDb: TestDatabase<BookingsDatabase>['db'],
  paymentsDb: TestDatabase<PaymentsDatabase>['db'],
): Promise<number> {
  const ids = bookings.map((b) => b.booking.bookingId);
  const rows = await bookingsDb
    .selectFrom('bookings')
    .select(['id', 'status'])
    .where('id', 'in', ids)
    .execute();
  const statuses = new Map(rows.map((row) => [row.id, row.status as string]));
  const postings = await paymentsDb
    .selectFrom('ledger_transactions')
    .select(['booking_id', 'kind'])
    .where('booking_id', 'in', ids)
    .execute();
  const kinds = new Map<string, string[]>();
  for (const posting of postings)
    kinds.set(posting.booking_id, [...(kinds.get(posting.booking_id) ?? []), posting.kind]);
  let done = 0;
  for (const b of bookings) {
    b.finalStatus = statuses.get(b.booking.bookingId) ?? (b.outcome === 'refused' ? 'refused' : 'missing');
    const posted = kinds.get(b.booking.bookingId) ?? [];
    if (b.finalStatus === b.expected.status && b.expected.ledger.every((kind) => posted.includes(kind)))
      done += 1;
  }
  return done;
}
