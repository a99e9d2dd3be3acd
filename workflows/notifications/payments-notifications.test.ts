import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { money } from '@kvartirnsk/lib/money';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { payoutWorkflowId } from '../payments/contract';
import {
  runPayoutScenario,
  runRefundScenario,
  SCENARIO_GUEST,
  SCENARIO_HOST,
} from '../payments/payment-scenarios';
import { payoutWorkflow } from '../payments/payout-workflow';
import { NOTIFICATIONS_TASK_QUEUE } from './contract';

// The payout and refund workflows' notifications, with a recording stand-in for the notification pool on
// the notifications queue of a time-skipping server (the real activity is tested in activities/notifications).
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/payments/index'),
  ]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const rub = (amount: number) => ({ amount, currency: 'RUB' });

it('tells the host once their payout is transferred', async () => {
  const { result, calls, notifications } = await runPayoutScenario(env, bundle, 'payout-paid-notified');

  expect(result.status).toBe('paid');
  expect(calls.map(([name]) => name)).toEqual(['recognizeEarnings', 'transferToHost']);
  expect(notifications).toEqual([
    {
      notificationId: `${payoutWorkflowId('scenario-payout-paid-notified')}:payout_sent:${SCENARIO_HOST}`,
      userId: SCENARIO_HOST,
      kind: 'payout_sent',
      data: { bookingId: 'scenario-payout-paid-notified', amount: rub(582_000) },
    },
  ]);
});

it('says nothing when nothing was paid, or when the payout names no host (started before notifications)', async () => {
  const nothingDue = await runPayoutScenario(env, bundle, 'payout-nothing-due-notified');
  const legacy = await runPayoutScenario(env, bundle, 'payout-paid');

  expect(nothingDue.result.status).toBe('nothing_due');
  expect(legacy.result.status).toBe('paid');
  expect([...nothingDue.notifications, ...legacy.notifications]).toEqual([]);
});

it('tells the guest of their refund, also when the host’s share is clawed back', async () => {
  const plain = await runRefundScenario(env, bundle, 'refund-notified');
  const clawedBack = await runRefundScenario(env, bundle, 'refund-after-payout-notified');

  for (const { notifications } of [plain, clawedBack]) {
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      userId: SCENARIO_GUEST,
      kind: 'refund_issued',
      data: { amount: rub(277_800) },
    });
  }
  expect(clawedBack.calls.map(([name]) => name)).toEqual([
    'refundPayment',
    'reverseEarnings',
    'reverseTransfer',
  ]);
  expect(clawedBack.result.transferReversalId).toBe('trr_test');
});

it('gives up on a notification that keeps failing after a quarter of an hour, and pays anyway', async () => {
  let attempts = 0;
  const transfers: string[] = [];
  const [payments, failingPool] = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'payout-failing-notifications',
      workflowBundle: bundle,
      activities: {
        async recognizeEarnings() {},
        async recordPayout() {},
        async transferToHost({ bookingId }: { bookingId: string }) {
          transfers.push(bookingId);
          return `tr_${bookingId}`;
        },
      },
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: NOTIFICATIONS_TASK_QUEUE,
      activities: {
        async notify() {
          attempts++;
          throw new Error('mail sink unavailable');
        },
      },
    }),
  ]);
  const startedAt = new Date(await env.currentTimeMs()).toISOString();

  const handle = await env.client.workflow.start(payoutWorkflow, {
    workflowId: payoutWorkflowId('failing-notifications'),
    taskQueue: 'payout-failing-notifications',
    args: [
      {
        bookingId: 'failing-notifications',
        hostId: SCENARIO_HOST,
        hostAccount: 'acct_test',
        earned: money(700_000),
        hostShare: money(582_000),
        payAt: startedAt,
      },
    ],
  });
  const result = await payments.runUntil(failingPool.runUntil(() => handle.result()));

  expect(result.status).toBe('paid');
  expect(transfers).toEqual(['failing-notifications']);
  expect(attempts).toBeGreaterThan(3);
  const { startTime, closeTime } = await handle.describe();
  expect(closeTime!.getTime() - startTime.getTime()).toBeLessThanOrEqual(15 * 60_000 + 1_000);
});
