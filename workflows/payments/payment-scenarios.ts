import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { money } from '@kvartirnsk/lib/money';
import { adjustPayoutSignal, payoutWorkflowId, refundWorkflowId } from './contract';
import { payoutWorkflow } from './payout-workflow';
import { refundWorkflow } from './refund-workflow';

// Test support, not workflow code: payouts and refunds driven by recording stand-in activities, shared by the
// workflow tests and the recorder of the histories that the replay test replays.

type Activities = Pick<
  ReturnType<typeof createPaymentActivities>,
  'refundPayment' | 'recognizeEarnings' | 'transferToHost'
>;

const SCENARIO_QUEUE = 'payments-scenarios';
const DAY_MS = 86_400_000;

function recordingActivities() {
  const calls: Array<[string, unknown]> = [];
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
      return 'tr_test';
    },
  };
  return { calls, activities };
}

export const payoutScenarios = {
  'payout-paid': undefined,
  'payout-adjusted': { earned: money(350_000), hostShare: money(300_000) },
  'payout-nothing-due': { earned: money(0), hostShare: money(0) },
} as const;

export type PayoutScenario = keyof typeof payoutScenarios;

async function withWorker<T>(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  activities: Activities,
  run: () => Promise<T>,
): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: SCENARIO_QUEUE,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(run);
}

/** A payout due a day after a check-in two days from now; some scenarios adjust it before it is due. */
export async function runPayoutScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: PayoutScenario,
) {
  const { calls, activities } = recordingActivities();
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
      },
    ],
  });
  const result = await withWorker(env, bundle, activities, async () => {
    const adjustment = payoutScenarios[name];
    if (adjustment) await handle.signal(adjustPayoutSignal, adjustment);
    return handle.result();
  });
  return { result, calls, handle, startedAt };
}

export async function runRefundScenario(env: TestWorkflowEnvironment, bundle: WorkflowBundleWithSourceMap) {
  const { calls, activities } = recordingActivities();
  const handle = await env.client.workflow.start(refundWorkflow, {
    workflowId: refundWorkflowId('scenario-refund', 'cancellation'),
    taskQueue: SCENARIO_QUEUE,
    args: [
      {
        bookingId: 'scenario-refund',
        paymentIntentId: 'pi_test',
        amount: money(277_800),
        reason: 'guest cancelled',
        requestedBy: 'guest',
      },
    ],
  });
  const result = await withWorker(env, bundle, activities, () => handle.result());
  return { result, calls, handle };
}
