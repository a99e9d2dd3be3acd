import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ProblemError, problemType } from './problem';

/**
 * A fixed-window request budget per key in Redis, so every instance of a service draws on the same budget. If
 * Redis is unreachable the per-instance memory limiter takes over: degraded, but still limited and up.
 */
export function requestBudget(redis: Redis, name: string, perMinute: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `budget:${name}`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
}

/** Spends one point of `key`'s budget, or answers 429 with Retry-After saying when it refills. */
export async function spendBudget(limiter: RateLimiterRedis, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw new ProblemError(
      {
        type: problemType('rate-limited'),
        title: 'Too many requests',
        status: 429,
        detail: `Too many requests from this ${what}; try again in ${retryAfter} s`,
        retryAfterSeconds: retryAfter,
      },
      { 'retry-after': String(retryAfter) },
    );
  }
}
