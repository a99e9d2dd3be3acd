import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { loadConfig, temporalConfigShape } from '@kvartirnsk/lib/config';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { PAYMENTS_TASK_QUEUE, RECONCILIATION_SCHEDULE } from '@kvartirnsk/workflows/payments/contract';
import { reconciliationWorkflow } from '@kvartirnsk/workflows/payments/reconciliation-workflow';

export interface ReconciliationScheduleOptions {
  scheduleId?: string;
  workflowId?: string;
  taskQueue?: string;
}

/**
 * Creates the daily reconciliation's schedule, or brings an existing one up to date with this code, so running
 * it on every start is safe. A run due while the previous one still works is skipped; runs missed while the
 * server was down are caught up for a day.
 */
export async function ensureReconciliationSchedule(
  client: Client,
  {
    scheduleId = RECONCILIATION_SCHEDULE.scheduleId,
    workflowId = RECONCILIATION_SCHEDULE.workflowId,
    taskQueue = PAYMENTS_TASK_QUEUE,
  }: ReconciliationScheduleOptions = {},
): Promise<'created' | 'updated'> {
  const spec: ScheduleSpec = {
    calendars: [{ hour: RECONCILIATION_SCHEDULE.hourUtc, minute: 0, comment: 'daily, UTC' }],
  };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: reconciliationWorkflow,
    workflowId,
    taskQueue,
    args: [{}],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } as const;
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
    return 'updated';
  }
}

/** `tsx temporal/schedules.ts`: ensures the schedules in TEMPORAL_NAMESPACE at TEMPORAL_ADDRESS. */
async function main() {
  const config = loadConfig(temporalConfigShape);
  const client = await connectTemporalClient(config);
  try {
    const outcome = await ensureReconciliationSchedule(client);
    console.log(
      `reconciliation schedule ${RECONCILIATION_SCHEDULE.scheduleId} ${outcome} in ${config.TEMPORAL_NAMESPACE}`,
    );
  } finally {
    await client.connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
