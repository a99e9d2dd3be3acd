import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { paymentWorkflowId } from '../payments/contract';
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
type Told = Array<{ userId: string; kind: string; data: unknown }>;
/** What one party was told, in order (notices to both parties of one step go out together, in either order). */
const toldTo = (notifications: Told, userId: string) =>
  notifications
    .filter((notification) => notification.userId === userId)
    .map((notification) => notification.kind);
const noticeOf = (notifications: Told, userId: string, kind: string) =>
  notifications.find((notification) => notification.userId === userId && notification.kind === kind)?.data;

describe('bookingWorkflow', () => {
  it('Instant Book: confirms at once, sleeps until check-out in simulated time, completes the stay', async () => {
    const wallStart = Date.now();

    const { result, calls, startedAt, notifications, handle } = await runBookingScenario(
      env,
      bundles,
      'instant-book-completed',
    );

    expect(statuses(result)).toEqual(['requested', 'held', 'authorized', 'confirmed', 'completed']);
    expect(result.paymentIntentId).toBe('pi_test');
    // The payment captured as soon as the hold was placed: no signal went either way between the two flows.
    for (const workflowId of [handle.workflowId, paymentWorkflowId(result.bookingId)]) {
      const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const signals = (events ?? []).filter((event) =>
        [
          temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
          temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        ].includes(event.eventType!),
      );
      expect([workflowId, signals.length]).toEqual([workflowId, 0]);
    }
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
    // Confirmed without the host, who hears of the booking once it is theirs, then of its payout.
    expect(toldTo(notifications, 'guest-1')).toEqual(['booking_confirmed']);
    expect(toldTo(notifications, 'host-1')).toEqual(['booking_received', 'payout_sent']);
    expect(noticeOf(notifications, 'host-1', 'booking_received')).toEqual({
      bookingId: result.bookingId,
      listingId: 'listing-1',
      checkIn: result.checkIn,
      checkOut: result.checkOut,
    });
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
    // The guest gets a receipt with the host's deadline as the host gets the request.
    expect(toldTo(notifications, 'guest-1')).toEqual([
      'booking_request_sent',
      'booking_approved',
      'booking_confirmed',
    ]);
    // The payout (the payment pool's workflow) tells the host too.
    expect(toldTo(notifications, 'host-1')).toEqual(['booking_requested', 'payout_sent']);
    expect(noticeOf(notifications, 'guest-1', 'booking_request_sent')).toMatchObject({
      bookingId: result.bookingId,
      respondBy: result.approvalDeadline,
    });
  });

  it('a declined request voids the hold and frees the dates, in that order', async () => {
    const { result, calls, notifications } = await runBookingScenario(env, bundles, 'request-declined');

    expect(toldTo(notifications, 'host-1')).toEqual(['booking_requested']);
    expect(toldTo(notifications, 'guest-1')).toEqual(['booking_request_sent', 'booking_declined']);
    expect(noticeOf(notifications, 'guest-1', 'booking_declined')).toMatchObject({ reason: 'Renovation' });
    expect(result.status).toBe('declined');
    expect(result.failure).toEqual({ type: 'Declined', message: 'Renovation' });
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:declined']);
    expect(calls).not.toContain('capturePayment');
  });

  it('a request the host leaves unanswered expires after the approval window', async () => {
    const { result, calls, notifications } = await runBookingScenario(env, bundles, 'request-expired');

    expect(result.status).toBe('expired');
    const waitingSince = Date.parse(result.history.find((s) => s.status === 'awaiting_approval')!.at);
    const expiredAt = Date.parse(result.history.at(-1)!.at);
    expect(expiredAt - waitingSince).toBeGreaterThanOrEqual(DAY_MS);
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:expired']);
    expect(toldTo(notifications, 'guest-1')).toEqual(['booking_request_sent', 'booking_expired']);
  });

  it('a guest cancelling before capture gets the hold voided', async () => {
    const { result, calls, notifications } = await runBookingScenario(
      env,
      bundles,
      'cancelled-awaiting-approval',
    );

    expect(result.status).toBe('cancelled');
    expect(calls.slice(-2)).toEqual(['voidAuthorization', 'releaseDates:cancelled']);
    // The host, who was asked, hears the request is withdrawn, with the guest's reason.
    expect(toldTo(notifications, 'guest-1')).toEqual(['booking_request_sent', 'booking_cancelled']);
    expect(toldTo(notifications, 'host-1')).toEqual(['booking_requested', 'booking_cancelled_for_host']);
    expect(noticeOf(notifications, 'host-1', 'booking_cancelled_for_host')).toMatchObject({
      cancelledBy: 'guest',
      stage: 'request',
      reason: 'Plans changed',
    });
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
    const { result, calls, notifications } = await runBookingScenario(
      env,
      bundles,
      'cancelled-after-confirmation',
    );

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
    expect(toldTo(notifications, 'guest-1')).toEqual([
      'booking_confirmed',
      'booking_cancelled',
      'refund_issued',
    ]);
    expect(toldTo(notifications, 'host-1')).toEqual([
      'booking_received',
      'booking_cancelled_for_host',
      'payout_sent',
    ]);
    const toHost = noticeOf(notifications, 'host-1', 'booking_cancelled_for_host');
    expect(toHost).toMatchObject({ cancelledBy: 'guest', stage: 'booking' });
    // The guest gave no reason; who cancelled is the host's notice's own field, not a made-up reason.
    expect(toHost).not.toHaveProperty('reason');
  });
});

/** A time-skipping server for one describe block alone, started before its tests and torn down after them. */
function ownScenarioEnvironment(): { current: Awaited<ReturnType<typeof startScenarioEnvironment>> } {
  const own = {} as { current: Awaited<ReturnType<typeof startScenarioEnvironment>> };
  beforeAll(async () => {
    own.current = await startScenarioEnvironment();
  }, 120_000);
  afterAll(async () => {
    await own.current?.env.teardown();
  });
  return own;
}

// Its own time-skipping server: the cancellation is answered while the refund still runs.
describe('bookingWorkflow cancelled while its payment runs', () => {
  const own = ownScenarioEnvironment();

  it('an Instant Book cancelled before its capture settled is refunded in full and never confirmed', async () => {
    const { result, acted, calls, notifications } = await runBookingScenario(
      own.current.env,
      own.current.bundles,
      'cancelled-while-paying',
    );

    expect((acted as BookingState).status).toBe('cancelled');
    expect(result.status).toBe('cancelled');
    expect(statuses(result)).toEqual(['requested', 'held', 'authorized', 'cancelled']);
    expect(result.refund).toEqual({
      total: { amount: 700_000, currency: 'RUB' },
      rule: 'cancelled before confirmation: full refund',
      settled: true,
    });
    // The refund and the freeing of the dates run side by side; nothing is confirmed, nobody is paid.
    expect(calls.slice(0, 4)).toEqual(['quoteStay', 'holdDates', 'authorizePayment', 'capturePayment']);
    expect(calls.slice(4).sort()).toEqual(['refundPayment:700000', 'releaseDates:cancelled']);
    expect(toldTo(notifications, 'guest-1').sort()).toEqual(['booking_cancelled', 'refund_issued']);
    expect(toldTo(notifications, 'host-1')).toEqual([]);
  });
});

// Its own time-skipping server: a stay that runs past its payout leaves the server's clock to this scenario alone.
describe('bookingWorkflow after the payout', () => {
  const own = ownScenarioEnvironment();

  it('a stay the host cancels after being paid is refunded in full and the host’s share clawed back', async () => {
    const { result, calls, notifications } = await runBookingScenario(
      own.current.env,
      own.current.bundles,
      'cancelled-after-payout',
    );

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
    // The host cancelled, so only the guest is told of it.
    expect(toldTo(notifications, 'host-1')).toEqual(['booking_received', 'payout_sent']);
    expect(toldTo(notifications, 'guest-1')).toEqual([
      'booking_confirmed',
      'booking_cancelled',
      'refund_issued',
    ]);
  });
});

// Its own time-skipping server too: once a cancellation is answered before its workflow ends, the test server
// stopped skipping time for the scenarios after it (the main suite runs its early-answered cancellation last).
describe('bookingWorkflow with a slow provider', () => {
  const own = ownScenarioEnvironment();

  it('a cancellation is answered once the dates are free, while the provider is still refunding', async () => {
    const { result, acted, calls } = await runBookingScenario(
      own.current.env,
      own.current.bundles,
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
