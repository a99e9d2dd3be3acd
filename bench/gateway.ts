import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import autocannon from 'autocannon';
import { createGatewayApp } from '@kvartirnsk/api-gateway/app';
import type { GatewayLimits } from '@kvartirnsk/api-gateway/config';
import { createUsersApp } from '@kvartirnsk/api-users/app';
import { usersConfigShape } from '@kvartirnsk/api-users/config';
import { usersMigrations, type UsersDatabase } from '@kvartirnsk/api-users/schema';
import { signingConfigShape, signingKeyFrom, verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { loadConfig } from '@kvartirnsk/lib/config';
import { identityHeaders, type Role } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase } from '@kvartirnsk/lib/testing';
import { createTestRedis } from '@kvartirnsk/lib/testing-redis';
import { type BenchOptions, parseBenchOptions } from './cli';
import { type CpuShare, measureCpu } from './cpu';
import { type MachineInfo, machineInfo, writeResult } from './results';

// Gateway overhead: an authenticated GET /users/me straight to the users service (identity headers, as the
// gateway would set them) against GET /api/users/me through the gateway with a real access token (JWT
// verification, Redis session check, rate limiters, proxy), in one run, on loopback. The users service and
// the gateway are built in-process as their tests build them; autocannon fires from a worker thread so the
// load generator does not share their event loop.

export const TARGETS = { minThroughputRatio: 0.8 } as const;

/** High enough that the rate limiters are consulted on every request but never refuse one. */
const BENCH_LIMITS: GatewayLimits = {
  BODY_LIMIT_BYTES: 1024 * 1024,
  RATE_LIMIT_PER_USER_PER_MINUTE: 100_000_000,
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 100_000_000,
};
const WARMUP_SECONDS = 2;

export interface SideResult {
  requestsPerSecond: { mean: number; p50: number; min: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  cpu: CpuShare;
}

export interface GatewayBenchResult {
  name: 'gateway';
  machine: MachineInfo;
  parameters: { durationSeconds: number; connections: number; warmupSeconds: number; path: string };
  direct: SideResult;
  gateway: SideResult;
  ratios: { throughput: number; p50: number; p99: number };
  targets: typeof TARGETS;
  meetsTargets: { throughput: boolean };
}

function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections();
          return new Promise((closed) => server.close(() => closed()));
        },
      }),
    );
  });
}

async function fire(
  label: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  console.log(`gateway benchmark: ${label} for ${seconds} s, ${connections} connections`);
  const result = await autocannon({ url, headers, duration: seconds, connections, workers: 1 });
  return result;
}

function sideResult(result: autocannon.Result, cpu: CpuShare): SideResult {
  return {
    requestsPerSecond: {
      mean: result.requests.average,
      p50: result.requests.p50,
      min: result.requests.min,
    },
    latencyMs: {
      mean: result.latency.average,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
  };
}

export async function runGatewayBenchmark(
  options: Pick<BenchOptions, 'duration' | 'connections'>,
): Promise<GatewayBenchResult> {
  const { duration, connections } = options;
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    console.log('gateway benchmark: setting up (users database, Redis key space, users service, gateway)');
    const usersDb = await createTestDatabase<UsersDatabase>('bench_users', usersMigrations);
    cleanups.push(() => usersDb.drop());
    const testRedis = createTestRedis('bench-gateway');
    cleanups.push(() => testRedis.drop());
    const logger = createLogger('bench', 'silent');
    const config = loadConfig({ ...usersConfigShape, ...signingConfigShape }, { NODE_ENV: 'test' });
    const users = await listen(
      createUsersApp({
        db: usersDb.db,
        redis: testRedis.redis,
        signingKey: await signingKeyFrom(config),
        config,
        logger,
      }),
    );
    cleanups.push(() => users.close());
    const gateway = await listen(
      createGatewayApp({
        services: { users: users.url },
        redis: testRedis.redis,
        verificationKey: await verificationKeyFrom(config),
        limits: BENCH_LIMITS,
        webOrigin: 'http://localhost:3000',
        logger,
      }),
    );
    cleanups.push(() => gateway.close());

    // A real account and a real access token, signed in through the gateway like the web app does.
    const signUp = await fetch(`${gateway.url}/api/users/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@kvartirnsk.local', password: 'bench password 42', name: 'Бенч' }),
    });
    const account = (await signUp.json()) as { accessToken: string; user: { id: string; roles: Role[] } };
    if (signUp.status !== 201)
      throw new Error(`sign-up answered ${signUp.status}: ${JSON.stringify(account)}`);

    const directUrl = `${users.url}/users/me`;
    const directHeaders = identityHeaders({ userId: account.user.id, roles: account.user.roles });
    const gatewayUrl = `${gateway.url}/api/users/me`;
    const gatewayHeaders = { authorization: `Bearer ${account.accessToken}` };
    for (const [url, headers] of [
      [directUrl, directHeaders],
      [gatewayUrl, gatewayHeaders],
    ] as const) {
      const probe = await fetch(url, { headers });
      if (!probe.ok) throw new Error(`GET ${url} answered ${probe.status}: ${await probe.text()}`);
    }

    await fire('warm-up direct', directUrl, directHeaders, WARMUP_SECONDS, connections);
    await fire('warm-up gateway', gatewayUrl, gatewayHeaders, WARMUP_SECONDS, connections);
    let stopCpu = measureCpu();
    const direct = sideResult(
      await fire('direct', directUrl, directHeaders, duration, connections),
      stopCpu(),
    );
    stopCpu = measureCpu();
    const viaGateway = sideResult(
      await fire('via gateway', gatewayUrl, gatewayHeaders, duration, connections),
      stopCpu(),
    );

    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    const throughput = ratio(viaGateway.requestsPerSecond.mean, direct.requestsPerSecond.mean);
    return {
      name: 'gateway',
      machine: machineInfo(),
      parameters: {
        durationSeconds: duration,
        connections,
        warmupSeconds: WARMUP_SECONDS,
        path: 'GET /users/me (direct) vs GET /api/users/me (gateway)',
      },
      direct,
      gateway: viaGateway,
      ratios: {
        throughput,
        p50: ratio(viaGateway.latencyMs.p50, direct.latencyMs.p50),
        p99: ratio(viaGateway.latencyMs.p99, direct.latencyMs.p99),
      },
      targets: TARGETS,
      meetsTargets: { throughput: throughput >= TARGETS.minThroughputRatio },
    };
  } finally {
    console.log('gateway benchmark: cleaning up');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
    }
  }
}

if (require.main === module) {
  runGatewayBenchmark(parseBenchOptions())
    .then((result) => {
      console.log(`wrote ${writeResult('gateway', result)}`);
      console.log(JSON.stringify({ direct: result.direct, gateway: result.gateway, ratios: result.ratios }));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
