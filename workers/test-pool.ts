import { trivialActivities } from '@kvartirnsk/bench/trivial-activities';
import { main, runWorkerPool } from './run-worker';

/**
 * A pool of the trivial baseline workflow on the queue TEST_TASK_QUEUE names: a real worker process, started the
 * way every pool starts, for tests of what each pool exposes (metrics, health, traces) that must not take tasks
 * from the real queues.
 */
main(() => {
  const taskQueue = process.env.TEST_TASK_QUEUE;
  if (!taskQueue) throw new Error('TEST_TASK_QUEUE is required');
  return runWorkerPool({
    pool: 'test',
    taskQueue,
    resources: async () => ({ close: async () => undefined }),
    options: () => ({
      workflowsPath: require.resolve('@kvartirnsk/bench/trivial-workflow'),
      activities: trivialActivities,
    }),
  });
});
