import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { reconciliationWorkflowId } from './contract';
import { runReconciliationScenario } from './payment-scenarios';

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

describe('reconciliationWorkflow', () => {
  it('reads every page of workflows, then compares, passing only the report id along', async () => {
    const { result, calls, handle } = await runReconciliationScenario(
      env,
      bundle,
      'reconciliation-on-demand',
    );

    const period = { from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' };
    expect(handle.workflowId).toBe('reconciliation:2026-11-24');
    expect(result).toEqual({ reportId: 'report-1', period, differences: 2 });
    expect(calls).toEqual([
      ['openReconciliationReport', period],
      ['collectWorkflowSteps', ['report-1', undefined]],
      ['collectWorkflowSteps', ['report-1', 'page-2']],
      ['collectWorkflowSteps', ['report-1', 'page-3']],
      ['compareWithLedger', 'report-1'],
    ]);
  });

  it('reconciles the UTC day before its start when no period is given', async () => {
    const { result, startedAt } = await runReconciliationScenario(env, bundle, 'reconciliation-scheduled');

    const midnight = Math.floor(startedAt / DAY_MS) * DAY_MS;
    expect(result.period).toEqual({
      from: new Date(midnight - DAY_MS).toISOString(),
      to: new Date(midnight).toISOString(),
    });
  });
});

describe('reconciliationWorkflowId', () => {
  it('names a UTC day by its date and any other period by its bounds', () => {
    expect(
      reconciliationWorkflowId({ from: '2026-11-24T00:00:00.000Z', to: '2026-11-25T00:00:00.000Z' }),
    ).toBe('reconciliation:2026-11-24');
    expect(
      reconciliationWorkflowId({ from: '2026-11-24T06:00:00.000Z', to: '2026-11-24T18:00:00.000Z' }),
    ).toBe('reconciliation:2026-11-24T06:00:00.000Z..2026-11-24T18:00:00.000Z');
  });
});
