import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { PaymentFailureType } from '../payments/contract';
import { BookingFailureType } from './contract';
import { runBookingScenario } from './booking-scenarios';

const DAY_MS = 86_400_000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
  ]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

describe('bookingWorkflow', () => {
  it('confirms, sleeps until check-out in simulated time, and completes the stay', async () => {
    const wallStart = Date.now();

    const { result, calls, startedAt } = await runBookingScenario(env, bundle, 'instant-book-completed');

    expect(result.status).toBe('completed');
    expect(result.history.map((step) => step.status)).toEqual([
      'requested',
      'held',
      'authorized',
      'confirmed',
      'completed',
    ]);
    expect(result.paymentIntentId).toBe('pi_test');
    expect(calls).toEqual([
      'quoteStay',
      'holdDates',
      'authorizePayment',
      'capturePayment',
      'confirmBooking',
      'completeStay',
    ]);
    // The stay lasted until check-out, days of workflow time, while the test itself took a few seconds at most.
    const simulatedMs = (await env.currentTimeMs()) - startedAt;
    expect(simulatedMs).toBeGreaterThan(DAY_MS);
    expect(Date.now() - wallStart).toBeLessThan(simulatedMs / 10_000);
  });

  it('releases the dates when the card is declined, and never captures', async () => {
    const { result, calls } = await runBookingScenario(env, bundle, 'card-declined');

    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({ type: PaymentFailureType.CARD_DECLINED, message: 'declined' });
    expect(calls).toEqual([
      'quoteStay',
      'holdDates',
      'authorizePayment',
      `releaseDates:${PaymentFailureType.CARD_DECLINED}`,
    ]);
  });

  it('undoes steps in reverse order when capture fails for good', async () => {
    const { result, calls } = await runBookingScenario(env, bundle, 'capture-rejected');

    expect(result.status).toBe('failed');
    expect(calls.slice(-3)).toEqual(['capturePayment', 'voidAuthorization', 'releaseDates:CaptureRejected']);
  });

  it('fails without compensation when the dates are taken', async () => {
    const { result, calls } = await runBookingScenario(env, bundle, 'dates-unavailable');

    expect(result.status).toBe('failed');
    expect(result.failure?.type).toBe(BookingFailureType.DATES_UNAVAILABLE);
    expect(calls).toEqual(['quoteStay', 'holdDates']);
  });
});
