import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';

/**
 * The socket.io wiring the messaging service's realtime server and the notification workers share: each
 * signed-in socket joins its user's room, and the Redis adapter listens on channels under one key. Channels
 * are not keys, so ioredis does not prefix them: the key carries the prefix itself, keeping two stacks (or
 * two test files) on one Redis apart.
 */
export const userRoom = (userId: string) => `user:${userId}`;

export const socketIoKey = (redis: Redis) => `${redis.options.keyPrefix ?? ''}socket.io`;

export const NOTIFICATION_EVENT = 'notification';

/** Emits from a process without a socket.io server (a worker) to sockets on any messaging instance. */
export function createLiveEmitter(redis: Redis): Emitter {
  return new Emitter(redis, { key: socketIoKey(redis) });
}
