import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import type { PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import type { ProviderCall, StripeFaultProxy } from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import type { Kysely } from '@kvartirnsk/lib/postgres';
import type { PoolName, ServiceProcesses } from './processes';
import type { SeededRandom } from './random';

const STACK = path.resolve(__dirname, '../../scripts/stack');
/** How long after a fault the harness looks for the flows to move again before calling it "not observed". */
const RECOVERY_WINDOW_MS = 180_000;
const PROBE_INTERVAL_MS = 200;
/** How long a phase of the provider outage may wait for its first faulted call. */
const PHASE_HIT_WINDOW_MS = 60_000;

export const FAULT_KINDS = [
  'kill-booking-worker',
  'kill-payment-worker',
  'provider-faults',
  'restart-postgres',
  'restart-temporal',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  kind: FaultKind;
  /** Injected once this share of the run's cases has been started. */
  atProgress: number;
}

export interface FaultEvent {
  kind: FaultKind;
  at: string;
  /** From the fault to the broken part being back: a new worker polling, the proxy healthy, a server up. */
  restoredAfterMs: number;
  /**
   * From the fault to the affected flows moving again: a booking row written by a booking activity, a ledger
   * posting by a payment activity, a provider call going through. Null when nothing moved within the window.
   */
  recoveredAfterMs: number | null;
  detail: Record<string, number | string>;
}

/** Worker kills at random moments (alternating pools), the provider outage, and the server restarts if asked. */
export function planFaults(
  {
    workerKills,
    providerFaultSeconds,
    restartServers,
  }: {
    workerKills: number;
    providerFaultSeconds: number;
    restartServers: boolean;
  },
  random: SeededRandom,
): PlannedFault[] {
  const faults: PlannedFault[] = [];
  const firstPool = random.next() < 0.5 ? 0 : 1;
  for (let i = 0; i < workerKills; i += 1) {
    faults.push({
      kind: (i + firstPool) % 2 === 0 ? 'kill-booking-worker' : 'kill-payment-worker',
      atProgress: 0.05 + random.next() * 0.8,
    });
  }
  if (providerFaultSeconds > 0)
    faults.push({ kind: 'provider-faults', atProgress: 0.3 + random.next() * 0.3 });
  if (restartServers) {
    faults.push(
      { kind: 'restart-postgres', atProgress: 0.4 + random.next() * 0.2 },
      { kind: 'restart-temporal', atProgress: 0.6 + random.next() * 0.2 },
    );
  }
  return faults.sort((a, b) => a.atProgress - b.atProgress);
}

export interface FaultContext {
  workers: ServiceProcesses;
  proxy: StripeFaultProxy;
  bookingsDb: Kysely<BookingsDatabase>;
  paymentsDb: Kysely<PaymentsDatabase>;
  providerFaultSeconds: number;
  random: SeededRandom;
  log: (line: string) => void;
  /** Where the server restarts write scripts/stack's output. */
  logDir: string;
}

/** Polls `probe` until it names an instant, or gives up after the recovery window; database errors are waited out. */
async function firstInstant(probe: () => Promise<Date | number | undefined | null>): Promise<number | null> {
  const deadline = Date.now() + RECOVERY_WINDOW_MS;
  while (Date.now() < deadline) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined && found !== null) return new Date(found).getTime();
    await sleep(PROBE_INTERVAL_MS);
  }
  return null;
}

/** The first write of a booking activity after `after` (row writes set updated_at). */
const firstBookingWrite = (db: Kysely<BookingsDatabase>, after: number) => () =>
  db
    .selectFrom('bookings')
    .select((eb) => eb.fn.min('updated_at').as('first'))
    .where('updated_at', '>', new Date(after))
    .executeTakeFirst()
    .then((row) => row?.first);

/** The first ledger posting of a payment activity after `after`. */
const firstLedgerWrite = (db: Kysely<PaymentsDatabase>, after: number) => () =>
  db
    .selectFrom('ledger_transactions')
    .select((eb) => eb.fn.min('created_at').as('first'))
    .where('created_at', '>', new Date(after))
    .executeTakeFirst()
    .then((row) => row?.first);

const firstProviderSuccess = (proxy: StripeFaultProxy, after: number) => async () =>
  proxy.calls.find((call) => call.at >= after && !call.faulted && !call.answerLost && call.status < 500)?.at;

const STOPPED_MARKER = 'chaos: stopped at ';

/**
 * `scripts/stack stop` then `start` of one component, in one shell of its own session writing to a file: were
 * the harness to die between the two, the server would still come back for everyone else on the machine.
 * Resolves with when the stop had finished.
 */
async function restartComponent(component: 'postgres' | 'temporal', logDir: string): Promise<number> {
  const logFile = path.join(logDir, `restart-${component}.log`);
  const log = openSync(logFile, 'a');
  const script = `"$0" stop ${component} && echo "${STOPPED_MARKER}$(date +%s%3N)" && "$0" start ${component}`;
  const child = spawn('bash', ['-c', script, STACK], { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const output = readFileSync(logFile, 'utf8');
  const stoppedAt = Number(output.split(STOPPED_MARKER).at(-1)?.split('\n')[0]);
  if (code !== 0 || !Number.isFinite(stoppedAt))
    throw new Error(`restarting ${component} with scripts/stack failed (${code}); see ${logFile}`);
  return stoppedAt;
}

async function killAndRestart(pool: PoolName, context: FaultContext): Promise<Omit<FaultEvent, 'kind'>> {
  const { workers, random } = context;
  const killedAt = Date.now();
  const pid = workers.pid(pool) ?? 0;
  await workers.kill(pool);
  // A supervisor notices and restarts after a moment; the gap varies.
  const gapMs = random.int(0, 3_000);
  await sleep(gapMs);
  await workers.start(pool);
  const restoredAt = Date.now();
  const recoveredAt = await firstInstant(
    pool === 'booking'
      ? firstBookingWrite(context.bookingsDb, killedAt)
      : firstLedgerWrite(context.paymentsDb, killedAt),
  );
  return {
    at: new Date(killedAt).toISOString(),
    restoredAfterMs: restoredAt - killedAt,
    recoveredAfterMs: recoveredAt === null ? null : Math.max(0, recoveredAt - killedAt),
    detail: { killedPid: pid, restartGapMs: gapMs, newPid: workers.pid(pool) ?? 0 },
  };
}

/**
 * A provider outage in three phases: requests that hang until the client gives up, then answers lost on the way
 * back after the provider carried the call out (only the idempotency key makes the retry safe), then 500, 502
 * and 503 answers.
 */
async function providerOutage(context: FaultContext): Promise<Omit<FaultEvent, 'kind'>> {
  const { proxy, providerFaultSeconds } = context;
  const startedAt = Date.now();
  const phaseMs = (providerFaultSeconds * 1000) / 3;
  // A phase lasts its share of the outage, and on until it has hit a call: in a small run a few seconds
  // may pass without any call to the provider.
  const phase = async (hit: (call: ProviderCall) => boolean) => {
    const phaseStart = Date.now();
    await sleep(phaseMs);
    const deadline = phaseStart + PHASE_HIT_WINDOW_MS;
    while (Date.now() < deadline && !proxy.calls.some((call) => call.at >= phaseStart && hit(call)))
      await sleep(PROBE_INTERVAL_MS);
    proxy.clearFaults();
  };
  proxy.inject({ kind: 'hang' });
  await phase((call) => call.faulted && call.status === 0);
  proxy.inject({ kind: 'reset', applied: true });
  await phase((call) => call.answerLost);
  proxy.inject({ kind: 'status', status: 500 }, { times: 5 });
  proxy.inject({ kind: 'status', status: 502 }, { times: 5 });
  proxy.inject({ kind: 'status', status: 503 });
  await phase((call) => call.faulted && call.status >= 500);
  const restoredAt = Date.now();
  const during = proxy.calls.filter((call) => call.at >= startedAt && call.at < restoredAt);
  const recoveredAt = await firstInstant(firstProviderSuccess(proxy, restoredAt));
  return {
    at: new Date(startedAt).toISOString(),
    restoredAfterMs: restoredAt - startedAt,
    recoveredAfterMs: recoveredAt === null ? null : recoveredAt - startedAt,
    detail: {
      hungCalls: during.filter((call) => call.faulted && call.status === 0).length,
      answersLost: during.filter((call) => call.answerLost).length,
      answered5xx: during.filter((call) => call.faulted && call.status >= 500).length,
    },
  };
}

async function restartServer(
  component: 'postgres' | 'temporal',
  context: FaultContext,
): Promise<Omit<FaultEvent, 'kind'>> {
  const startedAt = Date.now();
  const stoppedAt = await restartComponent(component, context.logDir);
  const restoredAt = Date.now();
  const bookingWrite = firstInstant(firstBookingWrite(context.bookingsDb, restoredAt));
  const ledgerWrite = firstInstant(firstLedgerWrite(context.paymentsDb, restoredAt));
  const [booking, ledger] = await Promise.all([bookingWrite, ledgerWrite]);
  const recoveredAt = booking === null || ledger === null ? null : Math.max(booking, ledger);
  return {
    at: new Date(startedAt).toISOString(),
    restoredAfterMs: restoredAt - startedAt,
    recoveredAfterMs: recoveredAt === null ? null : recoveredAt - startedAt,
    detail: { stopMs: stoppedAt - startedAt, startMs: restoredAt - stoppedAt },
  };
}

export async function injectFault(kind: FaultKind, context: FaultContext): Promise<FaultEvent> {
  context.log(`fault: ${kind}`);
  let event: Omit<FaultEvent, 'kind'>;
  switch (kind) {
    case 'kill-booking-worker':
      event = await killAndRestart('booking', context);
      break;
    case 'kill-payment-worker':
      event = await killAndRestart('payment', context);
      break;
    case 'provider-faults':
      event = await providerOutage(context);
      break;
    case 'restart-postgres':
      event = await restartServer('postgres', context);
      break;
    case 'restart-temporal':
      event = await restartServer('temporal', context);
      break;
  }
  context.log(
    `fault: ${kind} restored after ${event.restoredAfterMs} ms, flows moving again after ${event.recoveredAfterMs ?? 'n/a'} ms`,
  );
  return { kind, ...event };
}

/**
 * Injects the planned faults one after another as the run reaches each one's moment, appending each to `events`
 * once it has recovered; a fault starts only after the previous one has, so each recovery time is its own.
 */
export async function runFaults(
  plan: PlannedFault[],
  progress: () => number,
  context: FaultContext,
  events: FaultEvent[],
): Promise<void> {
  for (const fault of plan) {
    while (progress() < fault.atProgress) await sleep(250);
    events.push(await injectFault(fault.kind, context));
  }
}
