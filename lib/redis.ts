import { Redis } from 'ioredis';
import { z } from 'zod';
import { url } from './config';

export { Redis };

export const redisConfigShape = {
  REDIS_URL: url('redis://127.0.0.1:6379'),
  /**
   * Prepended to every key this process touches. Processes that share state (the users service writes
   * session markers, the gateway reads them) must use the same prefix; tests use a unique one per file.
   */
  REDIS_KEY_PREFIX: z.string().max(64).default('kv:'),
};

export function createRedis(config: { REDIS_URL: string; REDIS_KEY_PREFIX: string }): Redis {
  return new Redis(config.REDIS_URL, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    // Fail a command quickly while Redis is away instead of queueing requests until they time out.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
}
