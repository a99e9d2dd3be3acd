import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createReconciliationActivities } from '@kvartirnsk/activities/payments/reconciliation';
import {
  ScheduledStartTimeKey,
  type ReconciliationPeriod,
  type ReconciliationRequest,
  type ReconciliationResult,
} from './contract';

/** Database and visibility reads: safe to repeat, so retried patiently; a page of histories takes seconds. */
const reconciliationStep = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 20,
  },
} as const;

const reconciliation = proxyActivities<ReturnType<typeof createReconciliationActivities>>(reconciliationStep);

const DAY_MS = 86_400_000;

/** The UTC day before the run was due (the schedule's time, not a late start's). */
function previousDay(): ReconciliationPeriod {
  const info = workflowInfo();
  const due = info.typedSearchAttributes.get(ScheduledStartTimeKey) ?? info.startTime;
  const midnight = Math.floor(due.getTime() / DAY_MS) * DAY_MS;
  return {
    from: new Date(midnight - DAY_MS).toISOString(),
    to: new Date(midnight).toISOString(),
  };
}

/**
 * Reconciles a period for finance: the payment workflows' histories are read page by page into the report's
 * working tables, then the ledger is held against them and against the provider's records, and every
 * difference lands in the report. Only the report id and page tokens pass through this history.
 */
export async function reconciliationWorkflow(
  request: ReconciliationRequest = {},
): Promise<ReconciliationResult> {
  const period = request.period ?? previousDay();
  const reportId = await reconciliation.openReconciliationReport(period);
  let pageToken: string | undefined;
  do {
    ({ nextPageToken: pageToken } = await reconciliation.collectWorkflowSteps({ reportId, pageToken }));
  } while (pageToken);
  const { differences } = await reconciliation.compareWithLedger(reportId);
  return { reportId, period, differences };
}
