import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { runPayoutScenario, runRefundScenario, runRejectedPayout } from './payment-scenarios';

const DAY_MS = 86_400_000;

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

describe('payoutWorkflow', () => {
  it('waits until the payout is due, then books the earnings and transfers the host’s share', async () => {
    const { result, calls, startedAt } = await runPayoutScenario(env, bundle, 'payout-paid');

    expect(result).toEqual({
      status: 'paid',
      transferId: 'tr_test',
      hostShare: { amount: 582_000, currency: 'RUB' },
    });
    expect(calls).toEqual([
      ['recognizeEarnings', [700_000, 582_000]],
      ['transferToHost', 582_000],
    ]);
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(3 * DAY_MS);
  });

  it('pays what a cancellation left due', async () => {
    const { result, calls } = await runPayoutScenario(env, bundle, 'payout-adjusted');

    expect(result.status).toBe('paid');
    expect(calls).toEqual([
      ['recognizeEarnings', [350_000, 300_000]],
      ['transferToHost', 300_000],
    ]);
  });

  it('pays nothing when everything was refunded', async () => {
    const { result, calls } = await runPayoutScenario(env, bundle, 'payout-nothing-due');

    expect(result.status).toBe('nothing_due');
    expect(calls).toEqual([]);
  });

  it('keeps no record for its host when it names none (started before hosts saw their payouts)', async () => {
    const { records } = await runPayoutScenario(env, bundle, 'payout-paid');

    expect(records).toEqual([]);
  });

  it('shows its host the payout as scheduled from the start; the transfer itself marks it paid', async () => {
    const { result, calls, records } = await runPayoutScenario(env, bundle, 'payout-paid-recorded');

    expect(result.status).toBe('paid');
    expect(records).toEqual([['scheduled', 582_000]]);
    expect(calls.map(([name]) => name)).toEqual(['recognizeEarnings', 'transferToHost']);
  });

  it('shows its host what a cancellation leaves due, and when nothing is', async () => {
    const adjusted = await runPayoutScenario(env, bundle, 'payout-adjusted-recorded');
    const nothingDue = await runPayoutScenario(env, bundle, 'payout-nothing-due-recorded');

    // The adjustment may reach the workflow before or after it first records the payout.
    expect(adjusted.records.at(-1)).toEqual(['scheduled', 300_000]);
    expect(adjusted.calls.at(-1)).toEqual(['transferToHost', 300_000]);
    expect(nothingDue.records.at(-1)).toEqual(['nothing_due', 0]);
    expect(nothingDue.records.slice(0, -1).every(([status]) => status === 'scheduled')).toBe(true);
  });

  it('records the payout failed when the provider refuses the transfer for good', async () => {
    const { failure, records } = await runRejectedPayout(env, bundle);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(records).toEqual([
      ['scheduled', 582_000],
      ['failed', 582_000],
    ]);
  });
});

describe('refundWorkflow', () => {
  it('refunds the requested amount once', async () => {
    const { result, calls } = await runRefundScenario(env, bundle);

    expect(result).toEqual({ refundId: 're_test', amount: { amount: 277_800, currency: 'RUB' } });
    expect(calls).toEqual([['refundPayment', 277_800]]);
  });

  it('claws the host’s share back when the host was already paid', async () => {
    const { result, calls } = await runRefundScenario(env, bundle, 'refund-after-payout');

    expect(result).toEqual({
      refundId: 're_test',
      amount: { amount: 277_800, currency: 'RUB' },
      transferReversalId: 'trr_test',
    });
    expect(calls).toEqual([
      ['refundPayment', 277_800],
      ['reverseEarnings', [277_800, 236_100]],
      ['reverseTransfer', ['tr_test', 236_100]],
    ]);
  });
});
