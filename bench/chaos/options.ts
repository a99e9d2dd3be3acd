import { parseArgs } from 'node:util';

/** What one chaos run does; `fullRunOptions` is the published run, `ciRunOptions` the small one CI runs. */
export interface ChaosOptions {
  /** Bookings driven through the bookings API (a deliberate overlap is two bookings). */
  bookings: number;
  /** Booking scenarios in flight at once. */
  concurrency: number;
  /** Same seed, same scenario mix, prices, dates and fault moments. */
  seed: number;
  /** SIGKILLs of worker processes, alternating between the booking and the payment pool. */
  workerKills: number;
  /** How long the fault proxy makes the provider time out, then answer 5xx (half each). */
  providerFaultSeconds: number;
  /**
   * Restart Postgres and the Temporal dev server once each (scripts/stack stop + start, the Temporal database
   * file kept). Both are shared by everything on the machine, so never in CI.
   */
  restartServers: boolean;
  /** The hosts' window to answer a request to book (the bookings API's BookingTerms). */
  approvalWindowSeconds: number;
  /** How far ahead the stays that pay out are set: their payout and check-out fall on the next minute after this. */
  stayLeadSeconds: number;
  /** After the last booking is driven, how long every booking may take to reach its expected state. */
  settleTimeoutSeconds: number;
  /** After settling, how long analytics and the search index may take to agree with the bookings table. */
  catchUpTimeoutSeconds: number;
  namespace: string;
  temporalAddress: string;
  /** Progress bars on the terminal (and a line every few seconds elsewhere). */
  progress: boolean;
  /** Keep the run's Postgres and Mongo databases for inspection instead of dropping them. */
  keepDatabases: boolean;
}

const BENCH_NAMESPACE = process.env.TEMPORAL_BENCH_NAMESPACE ?? 'kvartirnsk-bench';
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

export function fullRunOptions(bookings = 1000): ChaosOptions {
  return {
    bookings,
    concurrency: 16,
    seed: 1,
    workerKills: Math.max(4, Math.round(bookings / 100)),
    providerFaultSeconds: 30,
    restartServers: true,
    approvalWindowSeconds: 30,
    stayLeadSeconds: 45,
    settleTimeoutSeconds: 300,
    catchUpTimeoutSeconds: 180,
    namespace: BENCH_NAMESPACE,
    temporalAddress: TEMPORAL_ADDRESS,
    progress: true,
    keepDatabases: false,
  };
}

export function ciRunOptions(): ChaosOptions {
  return {
    ...fullRunOptions(40),
    concurrency: 8,
    workerKills: 2,
    providerFaultSeconds: 10,
    restartServers: false,
    approvalWindowSeconds: 15,
    stayLeadSeconds: 0,
    settleTimeoutSeconds: 120,
    catchUpTimeoutSeconds: 60,
    progress: false,
  };
}

const wholeNumber = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} must be a whole number, got ${value}`);
  return parsed;
};

/** `node --import tsx bench/chaos.ts --bookings 1000 [--no-restart-servers] [--seed 1] [--concurrency 16] ...` */
export function parseChaosOptions(argv = process.argv.slice(2)): ChaosOptions {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      bookings: { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      'worker-kills': { type: 'string' },
      'provider-fault-seconds': { type: 'string' },
      'approval-window-seconds': { type: 'string' },
      'stay-lead-seconds': { type: 'string' },
      'settle-timeout-seconds': { type: 'string' },
      'catch-up-timeout-seconds': { type: 'string' },
      'restart-servers': { type: 'boolean' },
      'keep-databases': { type: 'boolean', default: false },
      progress: { type: 'boolean' },
    },
  });
  const defaults = fullRunOptions(wholeNumber('bookings', values.bookings, 1000));
  if (defaults.bookings < 2) throw new Error('--bookings must be at least 2');
  return {
    ...defaults,
    concurrency: Math.max(1, wholeNumber('concurrency', values.concurrency, defaults.concurrency)),
    seed: wholeNumber('seed', values.seed, defaults.seed),
    workerKills: wholeNumber('worker-kills', values['worker-kills'], defaults.workerKills),
    providerFaultSeconds: wholeNumber(
      'provider-fault-seconds',
      values['provider-fault-seconds'],
      defaults.providerFaultSeconds,
    ),
    approvalWindowSeconds: Math.max(
      1,
      wholeNumber(
        'approval-window-seconds',
        values['approval-window-seconds'],
        defaults.approvalWindowSeconds,
      ),
    ),
    stayLeadSeconds: wholeNumber('stay-lead-seconds', values['stay-lead-seconds'], defaults.stayLeadSeconds),
    settleTimeoutSeconds: wholeNumber(
      'settle-timeout-seconds',
      values['settle-timeout-seconds'],
      defaults.settleTimeoutSeconds,
    ),
    catchUpTimeoutSeconds: wholeNumber(
      'catch-up-timeout-seconds',
      values['catch-up-timeout-seconds'],
      defaults.catchUpTimeoutSeconds,
    ),
    restartServers: values['restart-servers'] ?? defaults.restartServers,
    keepDatabases: values['keep-databases'],
    progress: values.progress ?? defaults.progress,
  };
}
