import { parseArgs } from 'node:util';

export interface BenchOptions {
  /**
   * Booking and scaling benchmarks: measured bookings per phase (and trivial workflows), in flight at once,
   * unmeasured warm-up per phase (the scaling curve warms every configuration, whose processes are new).
   */
  bookings: number;
  concurrency: number;
  warmup: number;
  /** Gateway benchmark: seconds per side and open connections. */
  duration: number;
  connections: number;
  /** Run only one benchmark. */
  only?: Benchmark;
}

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} must be a whole number, got ${value}`);
  return parsed;
};

export function parseBenchOptions(argv = process.argv.slice(2)): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      bookings: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const only = values.only;
  if (only !== undefined && !isBenchmark(only)) {
    throw new Error(`--only must be ${BENCHMARKS.join(', ')}, got ${only}`);
  }
  const concurrency = positive('concurrency', values.concurrency, 20);
  return {
    bookings: positive('bookings', values.bookings, 300),
    concurrency,
    warmup: positive('warmup', values.warmup, 2 * concurrency),
    duration: positive('duration', values.duration, 10),
    connections: positive('connections', values.connections, 20),
    only,
  };
}

export const BENCHMARKS = ['booking', 'scaling', 'gateway', 'search', 'chaos'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];
const isBenchmark = (name: string): name is Benchmark => (BENCHMARKS as readonly string[]).includes(name);
