import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import {
  answers,
  type ExportedSpan,
  freePort,
  listen,
  otlpReceiver,
  startTraced,
} from '@kvartirnsk/lib/testing-otlp';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { usersMigrations, type UsersDatabase } from '@kvartirnsk/api-users/schema';

// The gateway and the users service as real processes, started the way scripts/services starts them with tracing
// on (telemetry preloaded, an OTLP endpoint set): one request through the gateway is one trace, the gateway's
// server and proxy spans and the service's server span, each named after its route pattern; and the gateway keeps
// /metrics off its public port, on its internal one.

const SERVER = 2;
const CLIENT = 3;

const spans: ExportedSpan[] = [];
const processes: ChildProcess[] = [];
let receiver: Server;
let usersDb: TestDatabase<UsersDatabase>;
let gateway: string;
let gatewayMetrics: string;

function start(entry: string, env: Record<string, string>): void {
  processes.push(startTraced(entry, env));
}

beforeAll(async () => {
  receiver = otlpReceiver(spans);
  const otlp = `http://127.0.0.1:${await listen(receiver)}`;
  usersDb = await createTestDatabase<UsersDatabase>('gateway_tracing', usersMigrations);
  const [usersPort, gatewayPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const users = `http://127.0.0.1:${usersPort}`;
  gateway = `http://127.0.0.1:${gatewayPort}`;
  gatewayMetrics = `http://127.0.0.1:${metricsPort}`;
  start('api/users/server.ts', {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    PORT: String(usersPort),
    USERS_DATABASE_URL: usersDb.url,
    REDIS_KEY_PREFIX: 'kv-gateway-tracing:',
  });
  start('api/gateway/server.ts', {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    PORT: String(gatewayPort),
    METRICS_PORT: String(metricsPort),
    USERS_SERVICE_URL: users,
    REDIS_KEY_PREFIX: 'kv-gateway-tracing:',
  });
  await answers(`${users}/health/ready`);
  await answers(`${gateway}/health/live`);
});

afterAll(async () => {
  await Promise.all(
    processes.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }),
  );
  receiver.close();
  await usersDb.drop();
});

it('traces a request from the gateway into the service it is forwarded to', async () => {
  const res = await fetch(`${gateway}/api/users/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password here' }),
  });
  expect(res.status).toBe(401);

  const trace = await eventually(
    async () => {
      const entry = spans.find((span) => span.service === 'api-gateway' && span.kind === SERVER);
      return spans.filter((span) => span.traceId === entry?.traceId);
    },
    (found) => found.some((span) => span.service === 'api-users' && span.kind === SERVER),
    { timeoutMs: 15_000 },
  );
  const gatewayServer = trace.find((span) => span.service === 'api-gateway' && span.kind === SERVER)!;
  const proxied = trace.find((span) => span.service === 'api-gateway' && span.kind === CLIENT)!;
  const usersServer = trace.find((span) => span.service === 'api-users' && span.kind === SERVER)!;
  expect(gatewayServer.name).toBe('POST /api/users/sign-in');
  expect(gatewayServer.parentSpanId ?? '').toBe('');
  expect(usersServer.name).toBe('POST /users/sign-in');
  // The service's span continues the gateway's outgoing call: W3C traceparent crossed the process boundary.
  expect(usersServer.parentSpanId).toBe(proxied.spanId);
});

it('serves its metrics on the internal port only, never forwarding /metrics to a service', async () => {
  expect((await fetch(`${gateway}/metrics`)).status).toBe(404);
  expect((await fetch(`${gateway}/api/users/metrics`)).status).toBe(404);
  const metrics = await (await fetch(`${gatewayMetrics}/metrics`)).text();
  expect(metrics).toMatch(
    /^http_requests_total\{method="POST",route="\/api\/users\/sign-in",status_code="401"\} 1$/m,
  );
  expect((await fetch(`${gatewayMetrics}/health/ready`)).status).toBe(200);
});
