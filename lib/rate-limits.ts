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

/**
 * Spends one point of a budget inside a Lua script that does more in the same round trip (the gateway checks
 * the session and spends two budgets at once). The same steps as RateLimiterRedis's own script (open the
 * window if there is none, count, read how long it has left), so a key spent either way is one budget.
 * Defines `spend_budget(key, window_seconds)`, which returns {points spent in this window, ms left in it}.
 */
export const SPEND_BUDGET_LUA = `
local function spend_budget(key, window_seconds)
  redis.call('set', key, 0, 'EX', window_seconds, 'NX')
  local spent = redis.call('incrby', key, 1)
  local ms_left = redis.call('pttl', key)
  if ms_left == -1 then
    redis.call('expire', key, window_seconds)
    ms_left = 1000 * window_seconds
  end
  return {spent, ms_left}
end
`;

/** What `spend_budget` in a script needs to know about a budget made by `requestBudget`. */
export function budgetScriptArgs(
  limiter: RateLimiterRedis,
  key: string,
): { key: string; windowSeconds: number } {
  return { key: limiter.getKey(key), windowSeconds: limiter.duration };
}

function tooManyRequests(msBeforeNext: number, what: string): ProblemError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ProblemError(
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

/** After `spend_budget` ran in a script: answers 429 with Retry-After if that spend went past the budget. */
export function refuseIfOverBudget(
  limiter: RateLimiterRedis,
  spent: { points: number; msLeft: number },
  what: string,
): void {
  if (spent.points > limiter.points) throw tooManyRequests(spent.msLeft, what);
}

/** Spends one point of `key`'s budget, or answers 429 with Retry-After saying when it refills. */
export async function spendBudget(limiter: RateLimiterRedis, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    throw tooManyRequests(err.msBeforeNext, what);
  }
}
