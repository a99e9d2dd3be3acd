import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from './search-attributes';
import { temporal } from '@temporalio/proto';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';

/** Temporal's Java time-skipping test server from Maven Central, wrapped by a script scripts/setup prepares. */
export const TIME_SKIPPING_SERVER = path.resolve(__dirname, 'test-server/temporal-test-server');

/** Attempts at starting the test server before a test fails for it, a second apart. */
const SERVER_START_ATTEMPTS = 6;

/**
 * The SDK gives the server a fixed 5 s to answer; the test server is a JVM, and on a loaded two-core machine
 * (unit files in parallel beside the integration run) it once took longer. It starts from a class-data-sharing
 * archive now (~0.25 s idle), and the projects run in turn; only that failure is still tried again.
 */
async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TIME_SKIPPING_SERVER } },
      });
    } catch (err) {
      if (attempt >= SERVER_START_ATTEMPTS || !/did not start within/.test(String(err))) throw err;
      // A busy spell passes: three tries back to back all failed once while every core was taken.
      await setTimeout(1_000);
    }
  }
}

/** A time-skipping environment with our search attributes registered, as the real servers have them. */
export async function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const env = await startTimeSkippingServer();
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => [
        key.name,
        temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`],
      ]),
    ),
  });
  return env;
}

/** Bundles a pool's workflows once, so a test suite does not pay webpack per test. */
export function bundleWorkflows(workflowsModule: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve(workflowsModule), logger: silentBundlerLogger });
}

const silentBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta),
};

/**
 * Integration tests run against the local stack's dev server in a namespace of their own, so workers of a
 * running local stack (namespace `default`) never pick up a test's tasks.
 */
export const TEST_NAMESPACE = process.env.TEMPORAL_TEST_NAMESPACE ?? 'kvartirnsk-test';
export const TEST_TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

export async function connectTestClient(): Promise<Client> {
  const connection = await Connection.connect({ address: TEST_TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: TEST_NAMESPACE });
}

/** Workers inside the test process, polling the real queues in the test namespace until `stop()`. */
export async function startTestWorkers(
  definitions: Array<Omit<WorkerOptions, 'connection' | 'namespace'>>,
): Promise<{ stop(): Promise<void> }> {
  const connection = await NativeConnection.connect({ address: TEST_TEMPORAL_ADDRESS });
  const workers = await Promise.all(
    definitions.map((options) => Worker.create({ ...options, connection, namespace: TEST_NAMESPACE })),
  );
  const running = Promise.all(workers.map((worker) => worker.run()));
  return {
    async stop() {
      for (const worker of workers) worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
