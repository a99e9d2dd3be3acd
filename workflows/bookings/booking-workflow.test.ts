import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { BookingFailureType, type BookingState } from './contract';
import { runBookingScenario, type ScenarioBundles, startScenarioEnvironment } from './booking-scenarios';

const DAY_MS = 86_400_000;

let env: TestWorkflowEnvironment;
let bundles: ScenarioBundles;

beforeAll(async () => {
  ({ env, bundles } = await startScenarioEnvironment());
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

const statuses = (state: { history: Array<{ status: string }> }) => state.history.map((step) => step.status);
const told = (notifications: Array<{ userId: string; kind: string }>) =>
  notifications.map((notification) => `${notification.userId}:${notification.kind}`);

describe('bookingWorkflow', () => {
  it('Instant Book: confirms at once, sleeps until check-out in simulated time, completes the stay', async () => {
    const wallStart = Date.now();

    const { result, calls, startedAt } = await runBookingScenario(env, bundles, 'instant-book-completed');

    expect(statuses(result)).toEqual(['requested', 'held', 'authorized', 'confirmed', 'completed']);
    expect(result.paymentIntentId).toBe('pi_test');
    expect(calls).toEqual([
      'quoteStay',
      'holdDates',
      'authorizePayment',
      'capturePayment',
      'confirmBooking',
      // A day after check-in the stay's money is earned and the host paid, before check-out completes it.
      'recognizeEarnings:700000',
      'transferToHost:630500',
      'completeStay',
    ]);
    // The stay lasted until check-out, days of workflow time, while the test itself took seconds at most.
    const simulatedMs = (await env.currentTimeMs()) - startedAt;
    expect(simulatedMs).toBeGreaterThan(DAY_MS);
    expect(Date.now() - wallStart).toBeLessThan(simulatedMs / 10_000);
  });

  it('Request to Book: waits for the host, captures on approval', async () => {
    const { result, calls, notifications } = await runBookingScenario(env, bundles, 'request-approved');

    expect(statuses(result)).toEqual([
      'requested',
      'held',
      'authorized',
      'awaiting_approval',
      'confirmed',
      'completed',
    ]);
    expect(result.approvalDeadline).toBeDefined();
    expect(calls).toEqual([
      'quoteStay',
      'holdDates',
      'authorizePayment',
      'awaitApproval',
      'capturePayment',
      'confirmBooking',
      'recognizeEarnings:700000',
      'transferToHost:630500',
      'completeStay',
    ]);
    expect(told(notifications)).toEqual([
      'host-1:booking_requested',
      'guest-1:booking_approved',
      'guest-1:booking_confirmed',
      // The payout (the payment pool's workflow) tells the host too.
      'host-1:payout_sent',
    ]);
  });

  it('a declined request voids the hold and frees the dates, in that order', async () => {
    const { result, calls, notifications } = await runBookingScenario(env, bundles, 'request-declined');

    expect(told(notifications)).toEqual(['host-1:booking_requested', 'guest-1:booking_declined']);
    expect(notifications[1]?.data).toMatchObject({ reason: 'Renovation' });
    expect(result.status).toBe('declined');
    expect(result.failure).toEqual({ type: 'Declined', message: 'Renovation' });
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:declined']);
    expect(calls).not.toContain('capturePayment');
  });

  it('a request the host leaves unanswered expires after the approval window', async () => {
    const { result, calls } = await runBookingScenario(env, bundles, 'request-expired');

    expect(result.status).toBe('expired');
    const waitingSince = Date.parse(result.history.find((s) => s.status === 'awaiting_approval')!.at);
    const expiredAt = Date.parse(result.history.at(-1)!.at);
    expect(expiredAt - waitingSince).toBeGreaterThanOrEqual(DAY_MS);
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:expired']);
  });

  it('a guest cancelling before capture gets the hold voided', async () => {
    const { result, calls } = await runBookingScenario(env, bundles, 'cancelled-awaiting-approval');

    expect(result.status).toBe('cancelled');
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:cancelled']);
  });

  it('a declined card frees the dates and never captures', async () => {
    const { result, calls } = await runBookingScenario(env, bundles, 'card-declined');

    expect(result.status).toBe('failed');
    expect(result.failure?.type).toBe('PaymentDeclined');
    expect(calls).toEqual(['quoteStay', 'holdDates', 'authorizePayment', 'releaseDates:failed']);
  });

  it('taken dates end the booking without compensation', async () => {
    const { result, calls } = await runBookingScenario(env, bundles, 'dates-unavailable');

    expect(result.status).toBe('failed');
    expect(result.failure?.type).toBe(BookingFailureType.DATES_UNAVAILABLE);
    expect(calls).toEqual(['quoteStay', 'holdDates']);
  });

  it('a confirmed booking cancelled by the guest is refunded by the policy, and the payout shrinks to match', async () => {
    const { result, calls } = await runBookingScenario(env, bundles, 'cancelled-after-confirmation');

    expect(result.status).toBe('cancelled');
    // Moderate, two days before check-in: half of the nights after the first (1 500 ₽), the cleaning fee
    // (500 ₽) and the matching share of the service fee (125 ₽).
    expect(result.refund).toEqual({
      total: { amount: 212_500, currency: 'RUB' },
      rule: 'moderate: 50% of unspent nights after the first',
      settled: true,
    });
    expect(calls.slice(5)).toEqual([
      'releaseDates:cancelled',
      'refundPayment:212500',
      // What the guest still pays is earned at the payout; the host gets their share of the kept price.
      'recognizeEarnings:487500',
      'transferToHost:436500',
    ]);
  });
});

// Its own time-skipping server: a stay that runs past its payout leaves the server's clock to this scenario alone.
describe('bookingWorkflow after the payout', () => {
  let own: Awaited<ReturnType<typeof startScenarioEnvironment>>;

  beforeAll(async () => {
    own = await startScenarioEnvironment();
  }, 120_000);

  afterAll(async () => {
    await own?.env.teardown();
  });

  it('a stay the host cancels after being paid is refunded in full and the host’s share clawed back', async () => {
    const { result, calls } = await runBookingScenario(own.env, own.bundles, 'cancelled-after-payout');

    expect(result.status).toBe('cancelled');
    expect(result.refund?.total).toEqual({ amount: 700_000, currency: 'RUB' });
    expect(calls.slice(3)).toEqual([
      'capturePayment',
      'confirmBooking',
      'recognizeEarnings:700000',
      'transferToHost:630500',
      'releaseDates:cancelled',
      'refundPayment:700000',
      'reverseEarnings:630500',
      'reverseTransfer:tr_test:630500',
    ]);
  });
});

// Its own time-skipping server too: once a cancellation is answered before its workflow ends, the test server
// stopped skipping time for the scenarios after it (the main suite runs its early-answered cancellation last).
describe('bookingWorkflow with a slow provider', () => {
  let own: Awaited<ReturnType<typeof startScenarioEnvironment>>;

  beforeAll(async () => {
    own = await startScenarioEnvironment();
  }, 120_000);

  afterAll(async () => {
    await own?.env.teardown();
  });

  it('a cancellation is answered once the dates are free, while the provider is still refunding', async () => {
    const { result, acted, calls } = await runBookingScenario(
      own.env,
      own.bundles,
      'cancelled-while-provider-slow',
    );

    const answer = acted as BookingState;
    expect(answer.status).toBe('cancelled');
    expect(answer.refund).toMatchObject({ total: { amount: 212_500 }, settled: false });
    expect(result.status).toBe('cancelled');
    expect(result.refund?.settled).toBe(true);
    expect(calls.slice(5, 7)).toEqual(['releaseDates:cancelled', 'refundPayment']);
  });
});
