import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';

/** Percentiles kept for every measured phase, so charts can draw the whole distribution and not only p95. */
export const DISTRIBUTION_PERCENTILES = [0, 5, 10, 25, 50, 75, 90, 95, 99, 100] as const;

/** Latency percentiles of a set of operations, in milliseconds. */
export interface LatencyStats {
  latencyMs: { min: number; mean: number; p50: number; p95: number; p99: number; max: number };
  /** The latency at each of DISTRIBUTION_PERCENTILES (0 is the minimum, 100 the maximum), for charts. */
  distributionMs: Array<{ percentile: number; ms: number }>;
}

/** Latency percentiles and throughput of one measured phase, in milliseconds and operations per second. */
export interface PhaseStats extends LatencyStats {
  completed: number;
  failed: number;
  wallSeconds: number;
  throughputPerSecond: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function latencyStats(latenciesMs: readonly number[]): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    latencyMs: {
      min: round(sorted[0] ?? Number.NaN),
      mean: round(mean),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? Number.NaN),
    },
    distributionMs: DISTRIBUTION_PERCENTILES.map((p) => ({
      percentile: p,
      ms: round(p === 0 ? (sorted[0] ?? Number.NaN) : percentile(sorted, p)),
    })),
  };
}

export function phaseStats(latenciesMs: readonly number[], failed: number, wallMs: number): PhaseStats {
  return {
    completed: latenciesMs.length,
    failed,
    wallSeconds: round(wallMs / 1000, 2),
    throughputPerSecond: round(latenciesMs.length / (wallMs / 1000), 2),
    ...latencyStats(latenciesMs),
  };
}

/** Runs `task(i)` for i in [from, to) with at most `concurrency` in flight. */
export async function runPool(
  from: number,
  to: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = from;
  const lane = async () => {
    while (next < to) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, to - from) }, lane));
}

/**
 * How a phase offers its load: a closed loop keeps `inFlight` operations running (throughput under
 * saturation), an open loop starts `perSecond` operations a second however many are still running (latency
 * at a given offered load, the way users arrive).
 */
export type Load = { inFlight: number } | { perSecond: number };

/** Runs `task(i)` for i in [from, to) under `load`; resolves when every task has ended. */
export async function runUnderLoad(
  from: number,
  to: number,
  load: Load,
  task: (index: number) => Promise<void>,
): Promise<void> {
  if ('inFlight' in load) return runPool(from, to, load.inFlight, task);
  const startedAt = performance.now();
  const running: Array<Promise<void>> = [];
  for (let index = from; index < to; index += 1) {
    const dueIn = startedAt + ((index - from) * 1000) / load.perSecond - performance.now();
    if (dueIn > 0) await sleep(dueIn);
    running.push(task(index));
  }
  await Promise.all(running);
}

/**
 * A progress bar for one phase: redrawn in place on a terminal; elsewhere (CI, a log file) a plain line
 * every few seconds, so a long run is still visibly alive in a log.
 */
export class Progress {
  private readonly bar: SingleBar;

  constructor(label: string, total: number) {
    this.bar = new SingleBar(
      {
        format: `${label} |{bar}| {value}/{total} | {duration}s | {extra}`,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5_000,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, 0, { extra: '' });
  }

  update(done: number, extra = ''): void {
    this.bar.update(done, { extra });
  }

  /** Draws the final state and leaves it on screen. */
  stop(): void {
    this.bar.stop();
  }
}
