import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ProblemError, problemType } from '@kvartirnsk/lib/problem';
import type { UsersConfig } from './config';

const MAX_SLOWDOWN_SECONDS = 60;

/**
 * Brute-force protection for anything that checks a password. Failures are counted per account (the
 * normalised email, whether or not it exists, so locking reveals nothing) and per client address. After
 * SIGN_IN_SLOWDOWN_AFTER failures each further attempt on the account must wait 1 s, 2 s, 4 s, ...; after
 * SIGN_IN_LOCK_AFTER the account is locked for SIGN_IN_LOCK_SECONDS; an address that fails too often is
 * locked the same way. Counters live in Redis, so every instance of the service sees the same ones.
 */
export class SignInGuard {
  private readonly accountFailures: RateLimiterRedis;
  private readonly addressFailures: RateLimiterRedis;
  private readonly accountSlowdown: RateLimiterRedis;
  private readonly slowdownAfter: number;

  constructor(redis: Redis, config: UsersConfig) {
    const window = config.SIGN_IN_FAILURE_WINDOW_SECONDS;
    // A limiter blocks once consumed points exceed `points`, so N failures allowed means points N - 1.
    this.accountFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'sign-in-failures:account',
      points: config.SIGN_IN_LOCK_AFTER - 1,
      duration: window,
      blockDuration: config.SIGN_IN_LOCK_SECONDS,
    });
    this.addressFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'sign-in-failures:address',
      points: config.SIGN_IN_ADDRESS_LOCK_AFTER - 1,
      duration: window,
      blockDuration: config.SIGN_IN_LOCK_SECONDS,
    });
    this.accountSlowdown = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'sign-in-slowdown:account',
      points: 1,
      duration: 1,
    });
    this.slowdownAfter = config.SIGN_IN_SLOWDOWN_AFTER;
  }

  /** Throws 429 with Retry-After while the account or the address must wait. */
  async assertAllowed(account: string, address: string): Promise<void> {
    const checks: Array<[RateLimiterRedis, string]> = [
      [this.accountFailures, account],
      [this.accountSlowdown, account],
      [this.addressFailures, address],
    ];
    const waits = await Promise.all(
      checks.map(async ([limiter, key]) => {
        const res = await limiter.get(key);
        return res && res.consumedPoints > limiter.points ? res.msBeforeNext : 0;
      }),
    );
    const waitMs = Math.max(...waits);
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ProblemError(
        {
          type: problemType('too-many-sign-in-attempts'),
          title: 'Too many failed sign-in attempts',
          status: 429,
          detail: `Too many failed attempts; try again in ${retryAfter} s`,
          retryAfterSeconds: retryAfter,
        },
        { 'retry-after': String(retryAfter) },
      );
    }
  }

  async recordFailure(account: string, address: string): Promise<void> {
    const [accountResult] = await Promise.all([
      consumeCounting(this.accountFailures, account),
      consumeCounting(this.addressFailures, address),
    ]);
    const failures = accountResult.consumedPoints;
    if (failures >= this.slowdownAfter && failures <= this.accountFailures.points) {
      const seconds = Math.min(2 ** (failures - this.slowdownAfter), MAX_SLOWDOWN_SECONDS);
      await this.accountSlowdown.block(account, seconds);
    }
  }

  /** A correct password clears the account's failures; the address keeps its count for the window. */
  async recordSuccess(account: string): Promise<void> {
    await Promise.all([this.accountFailures.delete(account), this.accountSlowdown.delete(account)]);
  }
}

/** `consume` rejects with a RateLimiterRes once over the limit; for counting, that is still a result. */
async function consumeCounting(limiter: RateLimiterRedis, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}
