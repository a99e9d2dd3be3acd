import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedis } from './redis';

/** The local stack's Redis (scripts/stack). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  /** Unique per call: give it to every app under test that must share state (users service, gateways). */
  config: { REDIS_URL: string; REDIS_KEY_PREFIX: string };
  redis: Redis;
  /** Deletes every key under the prefix and disconnects. */
  drop(): Promise<void>;
}

/** A Redis key space of its own per test file, so parallel files and other runs never see each other. */
export function createTestRedis(name: string): TestRedis {
  const config = {
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `test:${name}:${randomBytes(4).toString('hex')}:`,
  };
  const redis = createRedis(config);
  return {
    config,
    redis,
    async drop() {
      // Unprefixed client: SCAN patterns and the keys it returns are raw names.
      const raw = new Redis(TEST_REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${config.REDIS_KEY_PREFIX}*`, 'COUNT', 500);
          if (keys.length > 0) await raw.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        redis.disconnect();
      }
    },
  };
}
