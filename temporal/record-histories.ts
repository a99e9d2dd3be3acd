import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bookingScenarios,
  runBookingScenario,
  type BookingScenario,
} from '@kvartirnsk/workflows/bookings/booking-scenarios';
import { paymentWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import {
  payoutScenarios,
  reconciliationScenarios,
  refundScenarios,
  runPayoutScenario,
  runReconciliationScenario,
  runRefundScenario,
  type PayoutScenario,
  type ReconciliationScenario,
  type RefundScenario,
} from '@kvartirnsk/workflows/payments/payment-scenarios';
import { bundleWorkflows, createTimeSkippingEnvironment } from './testing';

const WORKFLOWS_DIR = path.resolve(__dirname, '../workflows');

async function save(env: TestWorkflowEnvironment, workflowId: string, domain: string, scenario: string) {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const dir = path.join(WORKFLOWS_DIR, domain, 'histories');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${scenario}.json`);
  // The same proto-JSON as `temporal workflow show --output json` and the Web UI's download.
  await writeFile(file, JSON.stringify(JSON.parse(historyToJSON(history)), null, 2) + '\n');
  console.log(`recorded ${path.relative(process.cwd(), file)}`);
}

/**
 * Records the booking and payment flows' histories for the replay tests. Run it when a deliberate workflow
 * change makes new histories worth keeping; once bookings run in production, keep the old files too (and
 * guard the change with patched()), so running workflows stay replayable. Name scenarios as arguments to
 * record only those (e.g. `payout-paid refund`); with none, all are recorded.
 */
async function main() {
  const only = new Set(process.argv.slice(2));
  const wanted = (scenario: string) => only.size === 0 || only.has(scenario);
  const [env, bookings, payments] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
    bundleWorkflows('@kvartirnsk/workflows/payments/index'),
  ]);
  try {
    for (const scenario of (Object.keys(bookingScenarios) as BookingScenario[]).filter(wanted)) {
      const { handle, result } = await runBookingScenario(env, { bookings, payments }, scenario);
      await save(env, handle.workflowId, 'bookings', scenario);
      if (result.history.some((step) => step.status === 'held')) {
        await save(env, paymentWorkflowId(result.bookingId), 'payments', scenario);
      }
    }
    for (const scenario of (Object.keys(payoutScenarios) as PayoutScenario[]).filter(wanted)) {
      const { handle } = await runPayoutScenario(env, payments, scenario);
      await save(env, handle.workflowId, 'payments', scenario);
    }
    for (const scenario of (Object.keys(refundScenarios) as RefundScenario[]).filter(wanted)) {
      const { handle } = await runRefundScenario(env, payments, scenario);
      await save(env, handle.workflowId, 'payments', scenario);
    }
    for (const scenario of (Object.keys(reconciliationScenarios) as ReconciliationScenario[]).filter(
      wanted,
    )) {
      const { handle } = await runReconciliationScenario(env, payments, scenario);
      await save(env, handle.workflowId, 'payments', scenario);
    }
  } finally {
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
