import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { type ExportedSpan, freePort, listen, otlpReceiver } from '@kvartirnsk/lib/testing-otlp';
import type { Client } from '@temporalio/client';
import { eventually } from '@kvartirnsk/lib/testing';
import { connectTestClient, TEST_NAMESPACE } from '@kvartirnsk/temporal/testing';
import { trivialWorkflow } from '@kvartirnsk/bench/trivial-workflow';

// A worker pool as a real process, started the way every pool starts (telemetry preloaded): its metrics port
// serves the SDK's metrics next to ours, its health follows the worker's state, and one workflow run leaves one
// trace of workflow and activity spans at the OTLP endpoint.
const ROOT = path.resolve(__dirname, '..');
const TASK_QUEUE = `run-worker-test-${randomUUID()}`;

let client: Client;
let receiver: Server;
let pool: ChildProcess;
let metricsBase: string;
const spans: ExportedSpan[] = [];

beforeAll(async () => {
  client = await connectTestClient();
  receiver = otlpReceiver(spans);
  const otlpPort = await listen(receiver);
  const metricsPort = await freePort();
  metricsBase = `http://127.0.0.1:${metricsPort}`;
  pool = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './lib/telemetry.ts', path.join(ROOT, 'workers', 'test-pool.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        TEMPORAL_NAMESPACE: TEST_NAMESPACE,
        TEST_TASK_QUEUE: TASK_QUEUE,
        METRICS_PORT: String(metricsPort),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await eventually(
    async () => (await fetch(`${metricsBase}/health/ready`)).status,
    (status) => status === 200,
  );
});

afterAll(async () => {
  if (pool.exitCode === null) {
    const exited = new Promise((resolve) => pool.once('exit', resolve));
    pool.kill('SIGTERM');
    await exited;
  }
  receiver.close();
  await client.connection.close();
});

it('serves the Temporal SDK metrics with ours, and traces a workflow run through its activities', async () => {
  const workflowId = `run-worker-test-${randomUUID()}`;
  await client.workflow.execute(trivialWorkflow, { taskQueue: TASK_QUEUE, workflowId });

  const metrics = await (await fetch(`${metricsBase}/metrics`)).text();
  const queue = `task_queue="${TASK_QUEUE}"`;
  expect(metrics).toMatch(new RegExp(`^temporal_workflow_completed_total\\{[^}]*${queue}[^}]*\\} 1$`, 'm'));
  expect(metrics).toMatch(/^temporal_activity_execution_latency_seconds_bucket\{/m);
  expect(metrics).toMatch(/^temporal_worker_task_slots_available\{/m);
  expect(metrics).toMatch(/^temporal_sticky_cache_size\{/m);
  expect(metrics).toMatch(/^process_resident_memory_bytes \d/m);

  const trace = await eventually(
    async () => {
      const workflowSpan = spans.find((span) => span.name === 'RunWorkflow:trivialWorkflow');
      return spans.filter((span) => span.traceId === workflowSpan?.traceId);
    },
    (found) => found.filter((span) => span.name === 'RunActivity:noop').length === 5,
    { timeoutMs: 15_000 },
  );
  const workflowSpan = trace.find((span) => span.name === 'RunWorkflow:trivialWorkflow')!;
  expect(workflowSpan.service).toBe('worker-test-pool');
  // Each activity run hangs off the workflow's StartActivity span, which hangs off the workflow run.
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  for (const activity of trace.filter((span) => span.name === 'RunActivity:noop')) {
    const scheduled = byId.get(activity.parentSpanId ?? '');
    expect(scheduled?.name).toBe('StartActivity:noop');
    expect(scheduled?.parentSpanId).toBe(workflowSpan.spanId);
  }
});

it('exits cleanly on SIGTERM, flushing its spans', async () => {
  const exited = new Promise<number | null>((resolve) => pool.once('exit', resolve));
  pool.kill('SIGTERM');
  expect(await exited).toBe(0);
});
