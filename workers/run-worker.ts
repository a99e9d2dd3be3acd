import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { commonConfigShape, loadConfig, positiveInt } from '@kvartirnsk/lib/config';
import { createLogger, type Logger } from '@kvartirnsk/lib/logger';
import { z } from 'zod';

/** Sizing that operators tune per pool without a code change. */
export const workerConfigShape = {
  ...commonConfigShape,
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

/**
 * The one way a worker pool runs: connect, poll its queue until SIGINT/SIGTERM (the SDK drains in-flight
 * tasks within the grace time), close everything it opened, and exit non-zero on any failure.
 */
export async function runWorkerPool<Resources>(definition: PoolDefinition<Resources>): Promise<void> {
  const config = loadConfig(workerConfigShape);
  const logger = createLogger(`worker-${definition.pool}`, config.LOG_LEVEL);
  const resources = await definition.resources(logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: definition.taskQueue,
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      stickyQueueScheduleToStartTimeout: config.WORKER_STICKY_TIMEOUT as `${number}s`,
      shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE as `${number}s`,
      ...definition.options(resources),
    });
    logger.info({ taskQueue: definition.taskQueue, namespace: config.TEMPORAL_NAMESPACE }, 'worker polling');
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await resources.close();
  }
}

export function main(run: () => Promise<void>): void {
  Promise.try(run).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
