import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { requestBudget } from '@kvartirnsk/lib/rate-limits';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { createMessagingApp } from './app';
import { messagingModels, type MessagingModels } from './models';
import { createRealtime, SOCKET_PATH } from './realtime';

// Helpers for tests (not a test file itself): a messaging instance as server.ts builds it, on the local
// stack's FerretDB (a database of its own) and Redis (a key prefix of its own).

const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

export interface MessagingTestbed {
  mongo: Connection;
  models: MessagingModels;
  testRedis: TestRedis;
  /** Base URL of the running instance (HTTP and socket.io). */
  url: string;
  /** A socket.io client signed in with `token`, connected. */
  connectAs(token: string): Promise<Socket>;
  close(): Promise<void>;
}

export async function startMessagingTestbed(name: string): Promise<MessagingTestbed> {
  const logger = createLogger(`${name}-test`, 'silent');
  const mongo = await connectMongo(MONGO_URL, `test_${name}_${randomUUID().slice(0, 8)}`);
  const models = messagingModels(mongo);
  const testRedis = createTestRedis(name);
  const realtime = createRealtime({
    verificationKey: await verificationKeyFrom({ NODE_ENV: 'test' }),
    redis: testRedis.redis,
    logger,
  });
  const app = createMessagingApp({
    models,
    live: realtime.live,
    sendBudget: requestBudget(testRedis.redis, 'messaging-send', 100),
    logger,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  realtime.io.attach(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: Socket[] = [];
  return {
    mongo,
    models,
    testRedis,
    url,
    async connectAs(token) {
      const socket = connectSocket(url, { path: SOCKET_PATH, auth: { token }, transports: ['websocket'] });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      realtime.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await mongo.dropDatabase();
      await mongo.close();
      await testRedis.drop();
    },
  };
}

/** The next `name` event the socket receives. */
export const nextEvent = <T>(socket: Socket, name: string) =>
  new Promise<T>((resolve) => socket.once(name, (payload: T) => resolve(payload)));
