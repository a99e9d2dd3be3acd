import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createReconciliationActivities } from '@kvartirnsk/activities/payments/reconciliation';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { reconciliationWorkflow } from '@kvartirnsk/workflows/payments/reconciliation-workflow';
import { ensureReconciliationSchedule } from './schedules';
import { bundleWorkflows, connectTestClient, startTestWorkers } from './testing';

// On the local dev server, in the test namespace, under names of this run's own.
const run = randomBytes(4).toString('hex');
const options = {
  scheduleId: `reconciliation-test-${run}`,
  workflowId: `reconciliation:test-${run}`,
  taskQueue: `payments-schedule-test-${run}`,
};
let client: Client;
let testDb: TestDatabase<PaymentsDatabase>;
let workers: { stop(): Promise<void> };

beforeAll(async () => {
  client = await connectTestClient();
  testDb = await createTestDatabase<PaymentsDatabase>('payments_schedule', paymentsMigrations);
  workers = await startTestWorkers([
    {
      taskQueue: options.taskQueue,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      activities: createReconciliationActivities({
        db: testDb.db,
        temporal: client,
        paymentsTaskQueue: options.taskQueue,
      }),
    },
  ]);
}, 120_000);

afterAll(async () => {
  await client?.schedule
    .getHandle(options.scheduleId)
    .delete()
    .catch(() => undefined);
  await workers?.stop();
  await client?.connection.close();
  await testDb?.drop();
});

it('creates the daily schedule once and updates it in place when ensured again', async () => {
  const first = await ensureReconciliationSchedule(client, options);
  const second = await ensureReconciliationSchedule(client, options);

  expect([first, second]).toEqual(['created', 'updated']);
  const schedules: string[] = [];
  for await (const schedule of client.schedule.list()) {
    if (schedule.scheduleId === options.scheduleId) schedules.push(schedule.scheduleId);
  }
  expect(schedules).toHaveLength(1);
  const described = await client.schedule.getHandle(options.scheduleId).describe();
  expect(described.spec.calendars).toEqual([
    expect.objectContaining({
      hour: [{ start: 2, end: 2, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    }),
  ]);
  expect(described.action).toEqual(
    expect.objectContaining({
      workflowType: 'reconciliationWorkflow',
      workflowId: options.workflowId,
      taskQueue: options.taskQueue,
    }),
  );
  expect(described.policies.overlap).toBe('SKIP');
});

it('reconciles the UTC day before the run was due when triggered', async () => {
  await ensureReconciliationSchedule(client, options);
  const handle = client.schedule.getHandle(options.scheduleId);

  await handle.trigger();

  const started = await eventually(
    () => handle.describe(),
    (described) => described.info.recentActions.length > 0,
  );
  const action = started.info.recentActions[0]!;
  const result = await client.workflow
    .getHandle<typeof reconciliationWorkflow>(action.action.workflow.workflowId)
    .result();
  const midnight = new Date(action.scheduledAt);
  midnight.setUTCHours(0, 0, 0, 0);
  expect(result.period).toEqual({
    from: new Date(midnight.getTime() - 86_400_000).toISOString(),
    to: midnight.toISOString(),
  });
  expect(action.action.workflow.workflowId.startsWith(`${options.workflowId}-`)).toBe(true);
  const report = await testDb.db
    .selectFrom('reconciliation_reports')
    .selectAll()
    .where('id', '=', result.reportId)
    .executeTakeFirstOrThrow();
  expect(report).toEqual(expect.objectContaining({ status: 'completed', differences: 0 }));
}, 60_000);
