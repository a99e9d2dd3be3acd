import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventually } from './testing';

// Test support for tracing tests that run our processes for real: a stand-in for the collector they export to,
// and the processes themselves started with tracing on.

export interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
}

/** Collects what an OTLP/HTTP JSON exporter sends, as a collector (Jaeger, the OpenTelemetry Collector) would. */
export function otlpReceiver(spans: ExportedSpan[]): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: Array<Omit<ExportedSpan, 'service'>> }>;
        }>;
      };
      for (const { resource, scopeSpans } of payload.resourceSpans) {
        const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const ROOT = path.resolve(__dirname, '..');

/**
 * A service or worker entry (e.g. `api/users/server.ts`) as its own process, started the way scripts/services
 * starts it with tracing on (telemetry preloaded) and spans exported quickly; `env` names its OTLP endpoint.
 */
export function startTraced(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--import', './lib/telemetry.ts', entry], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'warn', OTEL_BSP_SCHEDULE_DELAY: '100', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Resolves once `url` answers 200 (a started process's health endpoint). */
export async function answers(url: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => (await fetch(url)).status,
    (status) => status === 200,
    { timeoutMs },
  );
}
