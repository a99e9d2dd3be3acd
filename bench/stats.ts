/** Latency percentiles and throughput of one measured phase, in milliseconds and operations per second. */
export interface PhaseStats {
  completed: number;
  failed: number;
  wallSeconds: number;
  throughputPerSecond: number;
  latencyMs: { min: number; mean: number; p50: number; p95: number; p99: number; max: number };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function phaseStats(latenciesMs: number[], failed: number, wallMs: number): PhaseStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    completed: sorted.length,
    failed,
    wallSeconds: round(wallMs / 1000, 2),
    throughputPerSecond: round(sorted.length / (wallMs / 1000), 2),
    latencyMs: {
      min: round(sorted[0] ?? Number.NaN),
      mean: round(mean),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? Number.NaN),
    },
  };
}

/** Runs `task(i)` for i in [from, to) with at most `concurrency` in flight; calls `onDone` after each. */
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

/** A progress line, rewritten in place on a terminal; elsewhere (CI, a log file) at most once a second. */
export class Progress {
  private lastPrinted = 0;

  constructor(private readonly label: string) {}

  update(done: number, total: number, extra = ''): void {
    const now = Date.now();
    const finished = done >= total;
    if (!finished && now - this.lastPrinted < (process.stdout.isTTY ? 100 : 1000)) return;
    this.lastPrinted = now;
    const line = `${this.label}: ${done}/${total}${extra ? ` ${extra}` : ''}`;
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
    else console.log(line);
  }
}
