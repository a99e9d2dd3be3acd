import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { usersMigrations, type UsersDatabase } from '@kvartirnsk/api-users/schema';
import { identityHeaders, type Role } from '@kvartirnsk/lib/identity';
import { createTestDatabase, eventually } from '@kvartirnsk/lib/testing';
import { freePort } from '@kvartirnsk/lib/testing-otlp';
import { createTestRedis } from '@kvartirnsk/lib/testing-redis';
import { type BenchOptions, parseBenchOptions } from './cli';
import { type CpuShare, measureCpu } from './cpu';
import { loadAverage, type MachineInfo, machineInfo, writeResult } from './results';

// Gateway overhead: an authenticated GET /users/me straight to the users service (identity headers, as the
// gateway would set them) against GET /api/users/me through the gateway with a real access token (JWT
// verification, Redis session check, both rate limiters, proxy), in one run, on loopback. The users service and
// the gateway each run as their own process, started as scripts/services starts them (tsx loader, telemetry
// preloaded, the same environment variables, logs to a file); autocannon fires from this process, which does
// nothing else. BENCH_GATEWAY_CPU_PROF_DIR=<dir> runs the gateway under `node --cpu-prof` and leaves its
// profile there.

export const TARGETS = { minThroughputRatio: 0.8 } as const;

const ROOT = path.resolve(__dirname, '..');
/** High enough that the rate limiters are consulted on every request but never refuse one. */
const UNREACHABLE_RATE_LIMIT = String(100_000_000);
const WARMUP_SECONDS = 2;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
/** Names of the child processes in `CpuShare.children`. */
export const USERS_SERVICE_CPU = 'users service';
export const GATEWAY_CPU = 'gateway';

export interface SideResult {
  requestsPerSecond: { mean: number; p50: number; min: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Shares of the machine; `children` holds the users service's and the gateway's, `benchProcess` autocannon's. */
  cpu: CpuShare;
  /** The machine's 1-, 5- and 15-minute load averages as the side ended: how busy the shared machine was. */
  loadAverage: number[];
}

export interface GatewayBenchResult {
  name: 'gateway';
  machine: MachineInfo;
  parameters: {
    durationSeconds: number;
    connections: number;
    warmupSeconds: number;
    path: string;
    setup: string;
  };
  direct: SideResult;
  gateway: SideResult;
  ratios: { throughput: number; p50: number; p99: number };
  targets: typeof TARGETS;
  meetsTargets: { throughput: boolean };
}

interface Service {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** One service process, as scripts/services runs it: `node --import tsx --import ./lib/telemetry.ts <entry>`. */
async function startService(
  name: string,
  entry: string,
  env: Record<string, string>,
  readyPath: string,
  logDir: string,
  nodeFlags: string[] = [],
): Promise<Service> {
  const port = await freePort();
  const log = path.join(logDir, `${name}.log`);
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', '--import', './lib/telemetry.ts', entry],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', ...env },
      stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    // SIGTERM drains and exits normally, which is also when --cpu-prof writes its profile.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
        return (await fetch(`${url}${readyPath}`)).status;
      },
      (status) => status === 200,
      { timeoutMs: START_TIMEOUT_MS },
    );
  } catch (err) {
    await stop();
    throw new Error(
      `${name} did not start: ${(err as Error).message}\n${readFileSync(log, 'utf8').slice(-4000)}`,
      { cause: err },
    );
  }
  return { url, pid: child.pid!, stop };
}

async function fire(
  label: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<autocannon.Result> {
  console.log(`gateway benchmark: ${label} for ${seconds} s, ${connections} connections`);
  return autocannon({ url, headers, duration: seconds, connections });
}

async function measuredSide(
  label: string,
  url: string,
  headers: Record<string, string>,
  options: Pick<BenchOptions, 'duration' | 'connections'>,
  services: { users: Service; gateway: Service },
): Promise<SideResult> {
  const stopCpu = measureCpu({
    [USERS_SERVICE_CPU]: [services.users.pid],
    [GATEWAY_CPU]: [services.gateway.pid],
  });
  const result = await fire(label, url, headers, options.duration, options.connections);
  const cpu = stopCpu();
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
    loadAverage: loadAverage(),
  };
}

export async function runGatewayBenchmark(
  options: Pick<BenchOptions, 'duration' | 'connections'>,
): Promise<GatewayBenchResult> {
  const { duration, connections } = options;
  const cleanups: Array<() => Promise<unknown>> = [];
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  let failed = false;
  try {
    console.log('gateway benchmark: setting up (users database, Redis key space, users service, gateway)');
    const usersDb = await createTestDatabase<UsersDatabase>('bench_users', usersMigrations);
    cleanups.push(() => usersDb.drop());
    const testRedis = createTestRedis('bench-gateway');
    cleanups.push(() => testRedis.drop());
    const shared = { ...testRedis.config };

    const users = await startService(
      'users',
      'api/users/server.ts',
      { ...shared, USERS_DATABASE_URL: usersDb.url },
      '/health/ready',
      logDir,
    );
    cleanups.push(() => users.stop());
    const profileDir = process.env.BENCH_GATEWAY_CPU_PROF_DIR;
    const gateway = await startService(
      'gateway',
      'api/gateway/server.ts',
      {
        ...shared,
        USERS_SERVICE_URL: users.url,
        METRICS_PORT: '0',
        RATE_LIMIT_PER_USER_PER_MINUTE: UNREACHABLE_RATE_LIMIT,
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: UNREACHABLE_RATE_LIMIT,
      },
      '/health/live',
      logDir,
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
    );
    cleanups.push(() => gateway.stop());

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

    const services = { users, gateway };
    await fire('warm-up direct', directUrl, directHeaders, WARMUP_SECONDS, connections);
    await fire('warm-up gateway', gatewayUrl, gatewayHeaders, WARMUP_SECONDS, connections);
    const direct = await measuredSide('direct', directUrl, directHeaders, options, services);
    const viaGateway = await measuredSide('via gateway', gatewayUrl, gatewayHeaders, options, services);

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
        setup:
          'users service and gateway each in its own process (node --import tsx --import ./lib/telemetry.ts, as scripts/services starts them; default log level, logs to a file); autocannon in the bench process',
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
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    console.log('gateway benchmark: cleaning up');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
    }
    // Service logs are kept when something went wrong, to read why.
    if (failed) console.error(`service logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runGatewayBenchmark(parseBenchOptions())
    .then((result) => {
      console.log(`wrote ${writeResult('gateway', result)}`);
      console.log(
        JSON.stringify({
          direct: result.direct,
          gateway: result.gateway,
          ratios: result.ratios,
        }),
      );
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
