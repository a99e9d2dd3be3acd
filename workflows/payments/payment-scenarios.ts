import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import type { PayoutRecord } from '@kvartirnsk/activities/payments/payouts';
import type { createReconciliationActivities } from '@kvartirnsk/activities/payments/reconciliation';
import { money, type Money } from '@kvartirnsk/lib/money';
import { NOTIFICATIONS_TASK_QUEUE, type NotifyInput } from '../notifications/contract';
import { recordingNotifier } from '../notifications/recording-notifier';
import {
  adjustPayoutSignal,
  payoutWorkflowId,
  reconciliationWorkflowId,
  refundWorkflowId,
  type ReconciliationPeriod,
} from './contract';
import { payoutWorkflow } from './payout-workflow';
import { reconciliationWorkflow } from './reconciliation-workflow';
import { refundWorkflow } from './refund-workflow';

// Test support, not workflow code: payouts and refunds driven by recording stand-in activities, shared by the
// workflow tests and the recorder of the histories that the replay test replays.

type Activities = Pick<
  ReturnType<typeof createPaymentActivities>,
  | 'refundPayment'
  | 'recognizeEarnings'
  | 'transferToHost'
  | 'reverseEarnings'
  | 'reverseTransfer'
  | 'recordPayout'
>;

const SCENARIO_QUEUE = 'payments-scenarios';
const DAY_MS = 86_400_000;

/** Money calls go to `calls`; the host's payout records, which move no money, to `records`. */
function recordingActivities({ transferRejected = false } = {}) {
  const calls: Array<[string, unknown]> = [];
  const records: Array<[PayoutRecord['status'], number]> = [];
  const activities: Activities = {
    async refundPayment(refund) {
      calls.push(['refundPayment', refund.amount.amount]);
      return 're_test';
    },
    async recognizeEarnings(earning) {
      calls.push(['recognizeEarnings', [earning.earned.amount, earning.hostShare.amount]]);
    },
    async transferToHost(transfer) {
      calls.push(['transferToHost', transfer.amount.amount]);
      if (transferRejected) {
        throw ApplicationFailure.create({ message: 'No such destination', nonRetryable: true });
      }
      return 'tr_test';
    },
    async reverseEarnings(reversal) {
      calls.push(['reverseEarnings', [reversal.refunded.amount, reversal.hostShare.amount]]);
    },
    async reverseTransfer(reversal) {
      calls.push(['reverseTransfer', [reversal.transferId, reversal.amount.amount]]);
      return 'trr_test';
    },
    async recordPayout(record) {
      records.push([record.status, record.amount.amount]);
    },
  };
  return { calls, records, activities };
}

/** The host and guest of the scenarios that name them: payouts and refunds started since notifications. */
export const SCENARIO_HOST = 'host-scenario';
export const SCENARIO_GUEST = 'guest-scenario';

export const payoutScenarios = {
  /** Without a host id, as payouts started before notifications were. */
  'payout-paid': {},
  'payout-adjusted': { adjustment: { earned: money(350_000), hostShare: money(300_000) } },
  'payout-nothing-due': { adjustment: { earned: money(0), hostShare: money(0) } },
  /** The host is told once the transfer is made. */
  'payout-paid-notified': { hostId: SCENARIO_HOST },
  /** Nothing was transferred, so there is nothing to tell. */
  'payout-nothing-due-notified': {
    hostId: SCENARIO_HOST,
    adjustment: { earned: money(0), hostShare: money(0) },
  },
  /** Since hosts see their payouts, the payout keeps its row: scheduled, then paid by the transfer. */
  'payout-paid-recorded': { hostId: SCENARIO_HOST },
  /** A cancellation while scheduled changes what the host sees is due. */
  'payout-adjusted-recorded': {
    hostId: SCENARIO_HOST,
    adjustment: { earned: money(350_000), hostShare: money(300_000) },
  },
  'payout-nothing-due-recorded': {
    hostId: SCENARIO_HOST,
    adjustment: { earned: money(0), hostShare: money(0) },
  },
} as const satisfies Record<string, { hostId?: string; adjustment?: { earned: Money; hostShare: Money } }>;

export type PayoutScenario = keyof typeof payoutScenarios;

/**
 * The payment activities on the scenarios' queue and, on the notifications queue, a recording stand-in for
 * the notification pool (as the other pool's worker runs it in production).
 */
async function withWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  activities: Activities | ReconciliationActivities,
  run: () => Promise<T>,
): Promise<{ result: T; notifications: NotifyInput[] }> {
  const notifier = recordingNotifier();
  const [worker, notificationWorker] = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: SCENARIO_QUEUE,
      workflowBundle: bundle,
      activities,
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: NOTIFICATIONS_TASK_QUEUE,
      activities: notifier.activities,
    }),
  ]);
  const result = await notificationWorker.runUntil(worker.runUntil(run));
  return { result, notifications: notifier.sent };
}

/** A payout due a day after a check-in two days from now. */
async function startPayout(env: TestWorkflowEnvironment, name: string, hostId?: string) {
  const startedAt = await env.currentTimeMs();
  const handle = await env.client.workflow.start(payoutWorkflow, {
    workflowId: payoutWorkflowId(`scenario-${name}`),
    taskQueue: SCENARIO_QUEUE,
    args: [
      {
        bookingId: `scenario-${name}`,
        hostAccount: 'acct_test',
        earned: money(700_000),
        hostShare: money(582_000),
        payAt: new Date(startedAt + 3 * DAY_MS).toISOString(),
        ...(hostId ? { hostId } : {}),
      },
    ],
  });
  return { handle, startedAt };
}

/** Some scenarios adjust the payout before it is due. */
export async function runPayoutScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: PayoutScenario,
) {
  const { calls, records, activities } = recordingActivities();
  const scenario: { hostId?: string; adjustment?: { earned: Money; hostShare: Money } } =
    payoutScenarios[name];
  const { handle, startedAt } = await startPayout(env, name, scenario.hostId);
  const { result, notifications } = await withWorker(env, bundle, activities, async () => {
    if (scenario.adjustment) await handle.signal(adjustPayoutSignal, scenario.adjustment);
    return handle.result();
  });
  return { result, calls, records, notifications, handle, startedAt };
}

/** A payout whose transfer the provider refuses for good: the workflow fails, and says so to the host. */
export async function runRejectedPayout(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap) {
  const { calls, records, activities } = recordingActivities({ transferRejected: true });
  const { handle } = await startPayout(env, 'payout-rejected', SCENARIO_HOST);
  const { result: failure } = await withWorker(env, bundle, activities, () =>
    handle.result().then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
  return { failure, calls, records };
}

export const refundScenarios = {
  /** Without a guest id, as refunds started before notifications were. */
  refund: {},
  /** The host was paid before the cancellation: their share of the refund is clawed back. */
  'refund-after-payout': { payoutClawback: { transferId: 'tr_test', hostShare: money(236_100) } },
  /** The guest is told of the refund. */
  'refund-notified': { guestId: SCENARIO_GUEST },
  /** The guest is told while the host's share is clawed back. */
  'refund-after-payout-notified': {
    guestId: SCENARIO_GUEST,
    payoutClawback: { transferId: 'tr_test', hostShare: money(236_100) },
  },
} as const satisfies Record<
  string,
  { guestId?: string; payoutClawback?: { transferId: string; hostShare: Money } }
>;

export type RefundScenario = keyof typeof refundScenarios;

export async function runRefundScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: RefundScenario = 'refund',
) {
  const { calls, activities } = recordingActivities();
  const bookingId = `scenario-${name}`;
  const scenario: { guestId?: string; payoutClawback?: { transferId: string; hostShare: Money } } =
    refundScenarios[name];
  const handle = await env.client.workflow.start(refundWorkflow, {
    workflowId: refundWorkflowId(bookingId, 'cancellation'),
    taskQueue: SCENARIO_QUEUE,
    args: [
      {
        bookingId,
        paymentIntentId: 'pi_test',
        amount: money(277_800),
        reason: 'guest cancelled',
        requestedBy: 'guest',
        ...scenario,
      },
    ],
  });
  const { result, notifications } = await withWorker(env, bundle, activities, () => handle.result());
  return { result, calls, notifications, handle };
}

type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;

/** Stand-ins for reconciliation's database and visibility reads: three pages of workflows, then two differences. */
function recordingReconciliationActivities() {
  const calls: Array<[string, unknown]> = [];
  const pages = new Map<string | undefined, string | undefined>([
    [undefined, 'page-2'],
    ['page-2', 'page-3'],
    ['page-3', undefined],
  ]);
  const activities: ReconciliationActivities = {
    async openReconciliationReport(period) {
      calls.push(['openReconciliationReport', period]);
      return 'report-1';
    },
    async collectWorkflowSteps({ reportId, pageToken }) {
      calls.push(['collectWorkflowSteps', [reportId, pageToken]]);
      return { nextPageToken: pages.get(pageToken), workflows: 2, steps: 3 };
    },
    async compareWithLedger(reportId) {
      calls.push(['compareWithLedger', reportId]);
      return { differences: 2 };
    },
  };
  return { calls, activities };
}

export const reconciliationScenarios = {
  'reconciliation-on-demand': {
    period: { from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' },
  },
  /** As the schedule starts it: no period, so the day before the run. */
  'reconciliation-scheduled': {},
} as const satisfies Record<string, { period?: ReconciliationPeriod }>;

export type ReconciliationScenario = keyof typeof reconciliationScenarios;

export async function runReconciliationScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: ReconciliationScenario,
) {
  const { calls, activities } = recordingReconciliationActivities();
  const request: { period?: ReconciliationPeriod } = reconciliationScenarios[name];
  const startedAt = await env.currentTimeMs();
  const handle = await env.client.workflow.start(reconciliationWorkflow, {
    workflowId: request.period ? reconciliationWorkflowId(request.period) : `reconciliation:scenario-${name}`,
    taskQueue: SCENARIO_QUEUE,
    args: [request],
  });
  const { result } = await withWorker(env, bundle, activities, () => handle.result());
  return { result, calls, handle, startedAt };
}
