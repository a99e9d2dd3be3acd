import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { signingConfigShape, signingKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { testGateway } from '@kvartirnsk/api-gateway/test-support';
import { createUsersApp } from './app';
import { usersConfigShape, type UsersConfig } from './config';
import { hashPassword } from './passwords';
import { usersMigrations, type UsersDatabase } from './schema';

// Helpers for the users service's tests (not a test file itself): a fresh database and Redis key space per
// file, the service listening on loopback, and the real gateway in front of it.

const logger = createLogger('users-test', 'silent');

export interface UsersStack {
  testDb: TestDatabase<UsersDatabase>;
  testRedis: TestRedis;
  config: UsersConfig;
  /** A users app instance; call again for another instance sharing the database and Redis. */
  usersApp(): Promise<Express>;
  /** The gateway, routing /api/users to a users instance listening on loopback. */
  gateway: Express;
  close(): Promise<void>;
}

export async function startUsersStack(
  name: string,
  overrides: Record<string, string> = {},
): Promise<UsersStack> {
  const testDb = await createTestDatabase<UsersDatabase>('users', usersMigrations);
  const testRedis = createTestRedis(name);
  const config = loadConfig(
    { ...usersConfigShape, ...signingConfigShape },
    { NODE_ENV: 'test', ...overrides },
  );
  const signingKey = await signingKeyFrom(config);
  const usersApp = async () =>
    createUsersApp({ db: testDb.db, redis: testRedis.redis, signingKey, config, logger });
  const app = await usersApp();
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const gateway = await testGateway({
    services: { users: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    redis: testRedis.redis,
  });
  return {
    testDb,
    testRedis,
    config,
    usersApp,
    gateway,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await testRedis.drop();
      await testDb.drop();
    },
  };
}

/** An administrator made the way api/users/create-admin.ts makes one: straight in the database. */
export async function insertAdmin(stack: UsersStack, email: string, password: string): Promise<string> {
  const row = await stack.testDb.db
    .insertInto('users')
    .values({
      email,
      password_hash: await hashPassword(password),
      name: 'Admin',
      roles: ['guest', 'admin'],
      phone: null,
      avatar_url: null,
      email_verified_at: new Date(),
      blocked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The token the last mail of this kind to this address carries, as a mailer would read it. */
export async function lastMailedToken(
  stack: UsersStack,
  email: string,
  template: string,
): Promise<string | undefined> {
  const mail = await stack.testDb.db
    .selectFrom('mail_outbox')
    .select('payload')
    .where('to_email', '=', email)
    .where('template', '=', template)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return (mail?.payload as { token?: string } | undefined)?.token;
}

export const decodeJwtPayload = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
