import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { importPKCS8 } from 'jose';
import request from 'supertest';
import { signAccessToken } from '@kvartirnsk/lib/access-tokens';
import { ROLES, type Role } from '@kvartirnsk/lib/identity';
import { BLOCKED, sessionKeys } from '@kvartirnsk/lib/sessions';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { type Access, ROUTES, type RouteRule, SERVICE_PORTS } from './routes';
import { GENEROUS_LIMITS, signedInUser, startEchoUpstream, testGateway } from './test-support';

// Real upstream HTTP servers on loopback stand in for the services, and a real Redis (its own key prefix)
// holds sessions and budgets; the gateway is what is under test.
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
let testRedis: TestRedis;
let gateway: Express;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  testRedis = createTestRedis('gateway');
  gateway = await testGateway({
    services: Object.fromEntries(Object.keys(SERVICE_PORTS).map((service) => [service, upstream.url])),
    redis: testRedis.redis,
  });
});

afterAll(async () => {
  await upstream.close();
  await testRedis.drop();
});

const lastSeen = () => upstream.seen.at(-1);

it('routes /api/<service>/... to the service with the body and the request id', async () => {
  const { token } = await signedInUser(testRedis.redis, ['guest']);
  const bookingId = randomUUID();

  const res = await request(gateway)
    .post(`/api/bookings/${bookingId}/cancel?x=1`)
    .set('authorization', `Bearer ${token}`)
    .set('x-request-id', 'req-42')
    .send({ reason: 'plans changed' });

  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    echoed: { reason: 'plans changed' },
    path: `/bookings/${bookingId}/cancel?x=1`,
  });
  expect(res.headers['x-request-id']).toBe('req-42');
  expect(lastSeen()?.headers['x-request-id']).toBe('req-42');
  // Services never see tokens: the identity headers are all they get.
  expect(lastSeen()?.headers.authorization).toBeUndefined();
});

it('answers 503 problem+json when a service is down, without hanging', async () => {
  const down = await testGateway({ services: { bookings: 'http://127.0.0.1:1' }, redis: testRedis.redis });
  const { token } = await signedInUser(testRedis.redis, ['guest']);

  const res = await request(down)
    .get(`/api/bookings/${randomUUID()}`)
    .set('authorization', `Bearer ${token}`);

  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toContain('bookings');
});

it('reports each service in /api/health', async () => {
  const partly = await testGateway({
    services: { bookings: upstream.url, reviews: 'http://127.0.0.1:1' },
    redis: testRedis.redis,
  });

  const res = await request(partly).get('/api/health');

  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'degraded', services: { bookings: 'up', reviews: 'down' } });
});

describe('authorization matrix (generated from the route table)', () => {
  type Caller = 'anonymous' | Role;
  const callers: Caller[] = ['anonymous', ...ROLES];

  function expectedStatus(access: Access, caller: Caller): number {
    if (access === 'anonymous') return 200;
    if (caller === 'anonymous') return 401;
    if (access === 'signed-in') return 200;
    return access.anyOf.includes(caller) ? 200 : 403;
  }

  const concretePath = (route: RouteRule) => route.path.replace(/:[A-Za-z]+/g, () => randomUUID());

  const cases = ROUTES.flatMap((route) =>
    callers.map((caller) => ({ route, caller, expected: expectedStatus(route.access, caller) })),
  );

  it('covers every route for every caller', () => {
    expect(cases).toHaveLength(ROUTES.length * 5);
  });

  it.each(cases.map((c) => [`${c.route.method} ${c.route.path}`, c.caller, c.expected, c] as const))(
    '%s as %s → %i',
    async (_name, caller, expected, { route }) => {
      const user = caller === 'anonymous' ? undefined : await signedInUser(testRedis.redis, [caller]);
      const path = concretePath(route);
      const before = upstream.seen.length;

      const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
      // A client claiming to be someone else, with every role, must never get through as that.
      const client = request(gateway);
      let req = client[method](path).set('x-user-id', 'attacker').set('x-user-roles', 'admin,finance');
      if (user) req = req.set('authorization', `Bearer ${user.token}`);
      const res = route.method === 'GET' ? await req : await req.send({});

      expect(res.status).toBe(expected);
      if (expected !== 200) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(upstream.seen.length).toBe(before);
        return;
      }
      const seen = lastSeen();
      expect(seen?.method).toBe(route.method);
      expect(seen?.path).toBe(path.replace(/^\/api/, ''));
      expect(seen?.headers['x-user-id']).toBe(user?.userId);
      expect(seen?.headers['x-user-roles']).toBe(user ? caller : undefined);
    },
  );
});

it('answers 404 problem+json for routes that are not in the table', async () => {
  const { token } = await signedInUser(testRedis.redis, ['admin']);
  for (const [method, path] of [
    ['delete', '/api/users/me'],
    ['get', '/api/payments/anything'],
    ['post', '/api/bookings/a/b/c'],
  ] as const) {
    const before = upstream.seen.length;
    const res = await request(gateway)[method](path).set('authorization', `Bearer ${token}`);
    expect([method, path, res.status]).toEqual([method, path, 404]);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(upstream.seen.length).toBe(before);
  }
});

describe('access tokens', () => {
  const meWith = (token: string) =>
    request(gateway).get('/api/users/me').set('authorization', `Bearer ${token}`);

  it('rejects an expired token', async () => {
    const { token } = await signedInUser(testRedis.redis, ['guest'], 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const res = await meWith(token);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('rejects a token signed with another key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const foreignKey = await importPKCS8(
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      'EdDSA',
    );
    const { userId, sessionId } = await signedInUser(testRedis.redis, ['admin']);
    const forged = await signAccessToken(
      foreignKey,
      { userId, roles: ['admin'], tokenVersion: 0, sessionId },
      60,
    );
    expect((await meWith(forged)).status).toBe(401);
  });

  it('rejects a token whose session has ended, at once', async () => {
    const { token, sessionId } = await signedInUser(testRedis.redis, ['guest']);
    expect((await meWith(token)).status).toBe(200);
    await testRedis.redis.del(sessionKeys.session(sessionId));
    expect((await meWith(token)).status).toBe(401);
  });

  it('rejects a token of an older version and a blocked user, at once', async () => {
    const { token, userId } = await signedInUser(testRedis.redis, ['guest']);
    await testRedis.redis.set(sessionKeys.userState(userId), '1');
    expect((await meWith(token)).status).toBe(401);
    await testRedis.redis.set(sessionKeys.userState(userId), BLOCKED);
    const blocked = await meWith(token);
    expect(blocked.status).toBe(403);
    expect(blocked.body.type).toBe('https://kvartirnsk.ru/problems/account-blocked');
  });

  it('treats a bad token on a public route as no token', async () => {
    const res = await request(gateway)
      .post('/api/users/refresh')
      .set('authorization', 'Bearer not-a-token')
      .send({ refreshToken: 'x' });
    expect(res.status).toBe(200);
    expect(lastSeen()?.headers['x-user-id']).toBeUndefined();
  });

  it('fails closed while Redis is away: 503 where a user is needed, anonymous routes still served', async () => {
    const { token } = await signedInUser(testRedis.redis, ['guest']);
    // Nothing listens on port 1; commands fail at once instead of waiting for a reconnect.
    const away = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    try {
      const cutOff = await testGateway({ services: { users: upstream.url }, redis: away });

      const me = await request(cutOff).get('/api/users/me').set('authorization', `Bearer ${token}`);
      expect(me.status).toBe(503);
      expect(me.headers['content-type']).toMatch(/^application\/problem\+json/);

      const refresh = await request(cutOff)
        .post('/api/users/refresh')
        .set('authorization', `Bearer ${token}`)
        .send({ refreshToken: 'x' });
      expect(refresh.status).toBe(200);
      expect(lastSeen()?.headers['x-user-id']).toBeUndefined();
    } finally {
      away.disconnect();
    }
  });
});

describe('request bodies', () => {
  it('rejects a declared body over the limit with 413 before it reaches the service', async () => {
    const before = upstream.seen.length;
    const res = await request(gateway)
      .post('/api/users/sign-up')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(GENEROUS_LIMITS.BODY_LIMIT_BYTES) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(upstream.seen.length).toBe(before);
  });

  it('cuts off a streamed (chunked) body once it passes the limit', async () => {
    const server = await new Promise<Server>((resolve) => {
      const listening = gateway.listen(0, '127.0.0.1', () => resolve(listening));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: '/api/users/sign-up',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        // No content-length: Node sends it chunked, so only counting the stream can catch it.
        req.write('{"name":"');
        const chunk = 'x'.repeat(256);
        const timer = setInterval(() => req.write(chunk), 5);
        req.on('close', () => clearInterval(timer));
        setTimeout(() => {
          clearInterval(timer);
          req.end('"}');
        }, 500);
      });
      expect(status).toBe(413);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('browser-facing headers', () => {
  it('allows the web origin in CORS preflight and no other', async () => {
    const allowed = await request(gateway)
      .options('/api/users/me')
      .set('origin', 'http://localhost:3000')
      .set('access-control-request-method', 'PATCH')
      .set('access-control-request-headers', 'authorization, content-type');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(allowed.headers['access-control-allow-methods']).toContain('PATCH');

    const other = await request(gateway).options('/api/users/me').set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).not.toBe('https://evil.example');
  });

  it('sets security headers', async () => {
    const res = await request(gateway).get('/api/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});

describe('rate limits shared by gateway instances through Redis', () => {
  let shared: TestRedis;
  let first: Express;
  let second: Express;

  beforeAll(async () => {
    shared = createTestRedis('gateway-limits');
    const limits = {
      ...GENEROUS_LIMITS,
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 5,
      RATE_LIMIT_PER_USER_PER_MINUTE: 3,
    };
    const services = { users: upstream.url, bookings: upstream.url, payments: upstream.url };
    first = await testGateway({ services, redis: shared.redis, limits });
    second = await testGateway({ services, redis: shared.redis, limits });
  });

  afterAll(() => shared.drop());

  // Loopback is a trusted proxy, so X-Forwarded-For stands for distinct client addresses here.
  const from = (app: Express, address: string) =>
    request(app).post('/api/users/password-reset').set('x-forwarded-for', address).send({});

  it('limits an address across both instances, with Retry-After', async () => {
    for (const app of [first, second, first, second, first]) {
      expect((await from(app, '203.0.113.7')).status).toBe(200);
    }
    const limited = await from(second, '203.0.113.7');
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address still has its own budget.
    expect((await from(first, '203.0.113.8')).status).toBe(200);
  });

  it('limits a user across both instances and addresses', async () => {
    const { token } = await signedInUser(shared.redis, ['guest']);
    const me = (app: Express, address: string) =>
      request(app)
        .get('/api/users/me')
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-for', address);
    expect((await me(first, '198.51.100.1')).status).toBe(200);
    expect((await me(second, '198.51.100.2')).status).toBe(200);
    expect((await me(first, '198.51.100.3')).status).toBe(200);
    const limited = await me(second, '198.51.100.4');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('limits an address for signed-in callers too, whoever they are', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => signedInUser(shared.redis, ['guest'])));
    const me = (app: Express, token: string) =>
      request(app)
        .get('/api/users/me')
        .set('authorization', `Bearer ${token}`)
        .set('x-forwarded-for', '192.0.2.9');
    const statuses = [];
    for (const [index, { token }] of users.entries()) {
      statuses.push((await me(index % 2 ? second : first, token)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('API docs', () => {
  it('serves the merged document, partial with a note rather than an error when services do not answer', async () => {
    // The echo upstream answers /<service>/openapi.json with something that is no OpenAPI document.
    const res = await request(gateway).get('/api/openapi.json');

    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const services = Object.keys(SERVICE_PORTS);
    expect(res.body['x-unavailable-services']).toEqual(services);
    expect(res.body.info.description).toContain(`not answering now: ${services.join(', ')}`);
  });

  it('serves Swagger UI from the package itself, pointed at the merged document', async () => {
    const redirect = await request(gateway).get('/api/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/api/docs/');

    const page = await request(gateway).get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');

    const init = await request(gateway).get('/api/docs/swagger-initializer.js');
    expect(init.text).toContain("url: '/api/openapi.json'");
    expect((await request(gateway).get('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
  });
});
