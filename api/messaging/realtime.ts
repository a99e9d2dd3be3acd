import { createAdapter } from '@socket.io/redis-adapter';
import type { CryptoKey } from 'jose';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { socketIoKey, userRoom } from '@kvartirnsk/activities/notifications/live';
import { verifyAccessToken } from '@kvartirnsk/lib/access-tokens';
import type { Logger } from '@kvartirnsk/lib/logger';
import { sessionStatus } from '@kvartirnsk/lib/sessions';
import { ADMINS_AUDIENCE } from '@kvartirnsk/workflows/notifications/contract';
import type { LivePush } from './app';

/** Where clients connect (through the gateway: /api/messaging/socket.io). */
export const SOCKET_PATH = '/messaging/socket.io';

export interface RealtimeDeps {
  verificationKey: CryptoKey;
  /** Sessions (to refuse revoked tokens and blocked users) and the adapter's pub/sub share one Redis. */
  redis: Redis;
  logger: Logger;
}

/**
 * Live delivery over socket.io. A socket authenticates with the same access token as the REST API and joins
 * its user's room; the Redis adapter carries every emit to the instances where that user is connected, so
 * any number of messaging instances serve the same users. Attach `io` to the HTTP server once it listens.
 */
export function createRealtime({ verificationKey, redis, logger }: RealtimeDeps): {
  io: Server;
  live: LivePush;
  /** Drops every socket (clients reconnect elsewhere) and closes the adapter's connections. */
  close(): void;
} {
  const publisher = redis.duplicate();
  const subscriber = redis.duplicate();
  const io = new Server({
    path: SOCKET_PATH,
    serveClient: false,
    // The notification workers emit under the same key (activities/notifications/live.ts).
    adapter: createAdapter(publisher, subscriber, { key: socketIoKey(redis) }),
  });
  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string') return next(new Error('unauthenticated'));
    void (async () => {
      const claims = await verifyAccessToken(verificationKey, token);
      if (!claims || (await sessionStatus(redis, claims)) !== 'active')
        return next(new Error('unauthenticated'));
      await socket.join(userRoom(claims.userId));
      // Admins also hear what is addressed to all of them (a listing waiting too long for review).
      if (claims.roles.includes('admin')) await socket.join(userRoom(ADMINS_AUDIENCE));
      next();
    })().catch((err: unknown) => {
      logger.warn({ err }, 'socket authentication failed');
      next(new Error('unavailable'));
    });
  });
  return {
    io,
    live: {
      toUser(userId, event, payload) {
        io.to(userRoom(userId)).emit(event, payload);
      },
    },
    close() {
      io.disconnectSockets(true);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
