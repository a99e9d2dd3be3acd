import { z } from 'zod';
import type { BookingBenchResult } from './booking';
import type { RunEnvironment } from './environment';
import type { GatewayBenchResult } from './gateway';
import { readResult } from './results';
import type { ScalingBenchResult } from './scaling';

// Typed readers of the result files. The report reads files written by other versions of the benchmarks (an
// older run, or a benchmark another engineer is changing), so each reader checks the fields its consumer uses
// and answers undefined instead of letting a changed shape crash the summary.

/** A JSON number; NaN (a phase where nothing completed) was written as null. */
const figure = z.number().nullable();

/** One measured side of any benchmark, as charts use it. */
export interface SideFigures {
  /** The property of the result file it came from ("direct", "baseline", ...). */
  key: string;
  throughputPerSecond?: number;
  /** Latency by percentile, ascending (0 is the minimum, 100 the maximum). */
  percentiles: Array<{ percentile: number; ms: number }>;
}

const sideShape = z.looseObject({
  latencyMs: z.record(z.string(), figure),
  distributionMs: z.array(z.object({ percentile: z.number(), ms: figure })).optional(),
  throughputPerSecond: figure.optional(),
  requestsPerSecond: z.looseObject({ mean: figure }).optional(),
});

/** "p50" → 50, "p97_5" → 97.5, "min" → 0, "max" → 100; "mean" and anything else → undefined. */
function percentileOf(name: string): number | undefined {
  if (name === 'min') return 0;
  if (name === 'max') return 100;
  const match = /^p(\d+)(?:[_.](\d+))?$/.exec(name);
  return match ? Number(`${match[1]}.${match[2] ?? 0}`) : undefined;
}

/** A side from anything with `latencyMs` (and, when present, a distribution and a throughput). */
export function sideOf(key: string, value: unknown): SideFigures | undefined {
  const parsed = sideShape.safeParse(value);
  if (!parsed.success) return undefined;
  const side = parsed.data;
  const fromDistribution = side.distributionMs?.flatMap(({ percentile, ms }) =>
    ms === null ? [] : [{ percentile, ms }],
  );
  const fromNames = Object.entries(side.latencyMs).flatMap(([name, ms]) => {
    const percentile = percentileOf(name);
    return percentile === undefined || ms === null ? [] : [{ percentile, ms }];
  });
  const throughput = side.throughputPerSecond ?? side.requestsPerSecond?.mean ?? undefined;
  return {
    key,
    ...(throughput === null || throughput === undefined ? {} : { throughputPerSecond: throughput }),
    percentiles: (fromDistribution?.length ? fromDistribution : fromNames).sort(
      (a, b) => a.percentile - b.percentile,
    ),
  };
}

/** Every top-level property of a result that is a measured side, in file order. */
export function sidesOf(result: unknown): SideFigures[] {
  if (typeof result !== 'object' || result === null) return [];
  return Object.entries(result).flatMap(([key, value]) => {
    const side = sideOf(key, value);
    return side ? [side] : [];
  });
}

const PARTY_NAMES: Record<string, string> = {
  temporalServer: 'Temporal dev server',
  postgres: 'Postgres',
  stripeMock: 'stripe-mock',
  redis: 'Redis',
  benchProcess: 'bench process',
};

/** CPU of each party in % of one core, from a `cpu` object of any version of bench/cpu.ts; "other" last. */
export function cpuParties(cpu: unknown): Array<{ party: string; percent: number }> {
  const parsed = z
    .looseObject({ children: z.record(z.string(), z.number()).optional(), other: z.number().optional() })
    .safeParse(cpu);
  if (!parsed.success) return [];
  const fields = parsed.data as Record<string, unknown>;
  const servers = Object.entries(PARTY_NAMES).flatMap(([key, party]) => {
    const percent = fields[key];
    return typeof percent === 'number' ? [{ party, percent }] : [];
  });
  const children = Object.entries(parsed.data.children ?? {}).map(([party, percent]) => ({ party, percent }));
  const other = parsed.data.other === undefined ? [] : [{ party: 'other', percent: parsed.data.other }];
  return [...servers, ...children, ...other];
}

const cpuShape = z.looseObject({
  temporalServer: z.number(),
  postgres: z.number(),
  stripeMock: z.number(),
  redis: z.number(),
  benchProcess: z.number(),
  benchMainThread: z.number(),
  other: z.number(),
  idle: z.number(),
  cores: z.number(),
});
const latencyShape = z.looseObject({ p50: figure, p95: figure, p99: figure, max: figure });
const measuredShape = z.looseObject({
  completed: z.number(),
  failed: z.number(),
  throughputPerSecond: figure,
  latencyMs: latencyShape,
  cpu: cpuShape.extend({ children: z.record(z.string(), z.number()) }),
});
const machineShape = z.looseObject({ cores: z.number(), cpuModel: z.string(), timestamp: z.string() });

/** The fields of booking.json that the summary reads; files from before worker processes do not have them. */
const bookingShape = z.looseObject({
  name: z.literal('booking'),
  machine: machineShape,
  parameters: z.looseObject({ workerProcesses: z.record(z.string(), z.number()) }),
  trivial: measuredShape,
  booking: measuredShape.extend({ apiResponse: z.looseObject({ latencyMs: latencyShape }) }),
  atEqualLoad: z.looseObject({ perSecond: z.number(), trivial: measuredShape, booking: measuredShape }),
  ratios: z.looseObject({ throughput: z.number(), p95: z.number(), p95AtEqualLoad: z.number() }),
});

const scalingShape = z.looseObject({
  name: z.literal('scaling'),
  machine: machineShape,
  points: z.array(
    z.looseObject({
      configuration: z.looseObject({ label: z.string(), bookingWorkers: z.number() }),
      bookings: measuredShape.extend({ apiResponse: z.looseObject({ latencyMs: latencyShape }) }),
    }),
  ),
});

const gatewaySideShape = z.looseObject({
  requests: z.number(),
  requestsPerSecond: z.looseObject({ mean: z.number() }),
  latencyMs: z.looseObject({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }),
  non2xx: z.number(),
  errors: z.number(),
  cpu: cpuShape,
});
/** The fields the gateway section of the summary reads. */
const gatewayShape = z.looseObject({
  name: z.literal('gateway'),
  machine: machineShape,
  parameters: z.looseObject({
    path: z.string(),
    connections: z.number(),
    durationSeconds: z.number(),
    warmupSeconds: z.number(),
  }),
  direct: gatewaySideShape,
  gateway: gatewaySideShape,
  ratios: z.looseObject({ throughput: z.number(), p50: z.number(), p99: z.number() }),
  targets: z.looseObject({ minThroughputRatio: z.number() }),
  meetsTargets: z.looseObject({ throughput: z.boolean() }),
});

const environmentShape = z.looseObject({
  machine: machineShape,
  loadAverage: z.looseObject({ start: z.array(z.number()), end: z.array(z.number()).optional() }),
  versions: z.looseObject({ node: z.string(), libraries: z.record(z.string(), z.string()) }),
});

/** A result file: missing, of a shape this report does not know (with why), or read. */
export type Read<T> =
  { found: false } | { found: true; ok: false; problem: string } | { found: true; ok: true; value: T };

function read<T>(name: string, shape: z.ZodType): Read<T> {
  const raw = readResult<unknown>(name);
  if (raw === undefined) return { found: false };
  const parsed = shape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      found: true,
      ok: false,
      problem: `${issue?.path.join('.') || '(top)'}: ${issue?.message ?? ''}`,
    };
  }
  // The schema checked what the consumer reads; the rest is as the benchmark wrote it.
  return { found: true, ok: true, value: raw as T };
}

export const readBooking = () => read<BookingBenchResult>('booking', bookingShape);
export const readScaling = () => read<ScalingBenchResult>('scaling', scalingShape);
export const readGateway = () => read<GatewayBenchResult>('gateway', gatewayShape);
export const readEnvironment = () => read<RunEnvironment>('environment', environmentShape);
/** The search result only as measured sides: its sections are SEARCH.md, written by bench/search.ts. */
export const readSearchSides = (): SideFigures[] => sidesOf(readResult<unknown>('search'));
export const readGatewaySides = (): SideFigures[] => sidesOf(readResult<unknown>('gateway'));
