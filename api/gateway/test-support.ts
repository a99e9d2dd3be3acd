import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import { signAccessToken, signingKeyFrom, verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import type { Role } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { sessionKeys } from '@kvartirnsk/lib/sessions';
import { createGatewayApp, type GatewayDeps } from './app';
import type { GatewayLimits } from './config';

// Helpers for the gateway's tests (not a test file itself). Tokens are signed with the development key,
// as the users service does by default, and their session markers are written the way it writes them.

export const testLogger = createLogger('gateway-test', 'silent');
const DEV = { NODE_ENV: 'test' };

export const GENEROUS_LIMITS: GatewayLimits = {
  BODY_LIMIT_BYTES: 1024,
  RATE_LIMIT_PER_USER_PER_MINUTE: 10_000,
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 10_000,
};

export async function testGateway(
  overrides: Partial<GatewayDeps> & Pick<GatewayDeps, 'services' | 'redis'>,
): Promise<Express> {
  return createGatewayApp({
    verificationKey: await verificationKeyFrom(DEV),
    limits: GENEROUS_LIMITS,
    webOrigin: 'http://localhost:3000',
    logger: testLogger,
    ...overrides,
  });
}

/** A signed-in user with a live session, as if they had just signed in. */
export async function signedInUser(redis: Redis, roles: Role[], ttlSeconds = 300) {
  const userId = randomUUID();
  const sessionId = randomUUID();
  await redis.set(sessionKeys.userState(userId), '0');
  await redis.hset(sessionKeys.session(sessionId), { userId, current: 'test' });
  const token = await signAccessToken(
    await signingKeyFrom(DEV),
    { userId, roles, tokenVersion: 0, sessionId },
    ttlSeconds,
  );
  return { userId, sessionId, token };
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A real HTTP server on loopback standing in for every service: it echoes what reached it. */
export async function startEchoUpstream(): Promise<{
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const service = express();
  service.use(express.json({ limit: '10mb' }));
  service.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  service.use((req, res) => {
    const body: unknown = req.body;
    seen.push({ method: req.method, path: req.originalUrl, headers: req.headers, body });
    res.status(200).json({ echoed: body ?? null, path: req.originalUrl });
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = service.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
