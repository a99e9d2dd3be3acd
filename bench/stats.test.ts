import { setTimeout as sleep } from 'node:timers/promises';
import { latencyStats, runUnderLoad } from './stats';

/** Runs ten tasks of `taskMs` each under `load`; returns the most that ran at once and when each started. */
async function observe(load: Parameters<typeof runUnderLoad>[2], taskMs: number) {
  let running = 0;
  let mostAtOnce = 0;
  const startedAt: number[] = [];
  await runUnderLoad(0, 10, load, async () => {
    startedAt.push(performance.now());
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    await sleep(taskMs);
    running -= 1;
  });
  return { mostAtOnce, startedAt };
}

describe('runUnderLoad', () => {
  it('keeps exactly the given number in flight in a closed loop', async () => {
    const { mostAtOnce, startedAt } = await observe({ inFlight: 3 }, 20);

    expect(mostAtOnce).toBe(3);
    expect(startedAt).toHaveLength(10);
  });

  it('starts tasks at the given rate however many are still running in an open loop', async () => {
    // 100 a second, each taking a second (long beside the 90 ms of starts, so a busy machine's late timers
    // do not matter): a closed loop would never overlap them like this.
    const { mostAtOnce, startedAt } = await observe({ perSecond: 100 }, 1_000);

    expect(mostAtOnce).toBe(10);
    // The tenth starts nine intervals (90 ms) after the first, not after the first has ended.
    expect(startedAt[9]! - startedAt[0]!).toBeGreaterThanOrEqual(85);
    expect(startedAt[9]! - startedAt[0]!).toBeLessThan(1_000);
  });
});

describe('latencyStats', () => {
  it('reports nearest-rank percentiles', () => {
    const { latencyMs } = latencyStats(Array.from({ length: 100 }, (_, i) => i + 1));

    expect(latencyMs).toMatchObject({ min: 1, p50: 50, p95: 95, p99: 99, max: 100 });
  });
});
