import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import {
  DefaultLogger,
  type LogLevel,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import { commonConfigShape, loadConfig, positiveInt } from '@kvartirnsk/lib/config';
import { createLogger, type Logger } from '@kvartirnsk/lib/logger';
import { metricsConfigShape, startMetricsServer } from '@kvartirnsk/lib/metrics';
import { activeTracing, legacySpanShapeAdapter, shutdownTelemetry } from '@kvartirnsk/lib/telemetry';
import { z } from 'zod';

/** Sizing that operators tune per pool without a code change. */
export const workerConfigShape = {
  ...commonConfigShape,
  ...metricsConfigShape,
  /** Where the metrics and health port listens (0.0.0.0 in a container). */
  HOST: z.string().default('127.0.0.1'),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(50),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(20),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt(500),
  /** How long the server waits for this worker's sticky queue before handing a workflow to any worker. */
  WORKER_STICKY_TIMEOUT: z.string().default('10s'),
  WORKER_SHUTDOWN_GRACE: z.string().default('10s'),
};

export type WorkerConfig = z.infer<z.ZodObject<typeof workerConfigShape>>;

export interface PoolDefinition<Resources> {
  pool: string;
  taskQueue: string;
  /** Opens what the activities need (databases, provider clients) and how to close it. */
  resources: (logger: Logger) => Promise<Resources & { close(): Promise<void> }>;
  options: (resources: Resources) => Pick<WorkerOptions, 'activities' | 'workflowsPath'>;
}

const TEMPORAL_LOG_LEVELS: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

/**
 * The SDK's logs (workflow and activity `log`, worker lifecycle, Core's own) as our JSON lines. Workflow lines
 * carry workflowId and runId, activity lines workflowId and workflowRunId: renamed to runId, one name for both.
 */
function temporalLogger(logger: Logger): DefaultLogger {
  return new DefaultLogger(TEMPORAL_LOG_LEVELS[logger.level] ?? 'INFO', ({ level, message, meta }) => {
    const fields: Record<string, unknown> = { ...meta };
    if ('workflowRunId' in fields) {
      fields.runId = fields.workflowRunId;
      delete fields.workflowRunId;
    }
    // The task token is an opaque blob that only makes lines longer.
    delete fields.taskToken;
    logger[level.toLowerCase() as Lowercase<LogLevel>](fields, message);
  });
}

/** A port nobody listens on right now, for the SDK's own exporter, which only we read. */
async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The one way a worker pool runs: connect, poll its queue until SIGINT/SIGTERM (the SDK drains in-flight
 * tasks within the grace time), close everything it opened, and exit non-zero on any failure. Metrics (ours and
 * the SDK's: task latencies, slots, sticky cache) and health are served on METRICS_PORT.
 */
export async function runWorkerPool<Resources>(definition: PoolDefinition<Resources>): Promise<void> {
  const config = loadConfig(workerConfigShape);
  const logger = createLogger(`worker-${definition.pool}`, config.LOG_LEVEL);
  // The SDK serves its metrics on a loopback port of its own; ours appends them, so one port has everything.
  const sdkMetricsUrl = `http://127.0.0.1:${await freeLoopbackPort()}/metrics`;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      metrics: {
        prometheus: {
          bindAddress: new URL(sdkMetricsUrl).host,
          useSecondsForDurations: true,
          countersTotalSuffix: true,
          unitSuffix: true,
        },
      },
    },
  });
  let worker: Worker | undefined;
  const metrics = await startMetricsServer({
    port: config.METRICS_PORT,
    host: config.HOST,
    logger,
    readiness: async () => {
      const state = worker?.getState() ?? 'INITIALIZED';
      if (state !== 'RUNNING') throw new Error(`worker is ${state}`);
    },
    moreMetrics: async () => (await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(5_000) })).text(),
  });
  const resources = await definition.resources(logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const tracing = activeTracing();
  try {
    worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: definition.taskQueue,
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      stickyQueueScheduleToStartTimeout: config.WORKER_STICKY_TIMEOUT as `${number}s`,
      shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE as `${number}s`,
      // Traces continue from the client that started the workflow through the workflow and its activities.
      plugins: tracing
        ? [
            new OpenTelemetryPlugin({
              // The plugin is typed against OpenTelemetry JS 1.x; the adapter bridges the span shapes.
              resource: tracing.resource as never,
              spanProcessor: legacySpanShapeAdapter(tracing.spanProcessor) as never,
            }),
          ]
        : [],
      ...definition.options(resources),
    });
    logger.info({ taskQueue: definition.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, 'worker polling');
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await resources.close();
    await metrics.close();
    await shutdownTelemetry();
  }
}

export function main(run: () => Promise<void>): void {
  Promise.try(run).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
