import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import type { createReviewWindowStarter } from '@kvartirnsk/activities/reviews/window-starter';
import { money } from '@kvartirnsk/lib/money';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { PAYMENTS_TASK_QUEUE, PaymentFailureType, payoutWorkflowId } from '../payments/contract';
import { NOTIFICATIONS_TASK_QUEUE } from '../notifications/contract';
import { recordingNotifier } from '../notifications/recording-notifier';
import { REVIEWS_TASK_QUEUE, type ReviewWindowInput } from '../reviews/contract';
import {
  approveUpdate,
  BookingFailureType,
  bookingWorkflowId,
  cancelUpdate,
  declineUpdate,
  openBookingUpdate,
  parseBookingWorkflowId,
  type BookingQuote,
  type BookingRequest,
  type BookingState,
} from './contract';
import { bookingWorkflow } from './booking-workflow';

// Test support, not workflow code: the booking flow's paths driven by recording stand-in activities, shared by
// the workflow tests and by the recorder of the histories that the replay test replays.

type BookingActivities = ReturnType<typeof createBookingActivities>;
/** The payment activities a booking's PaymentWorkflow uses. */
type PaymentActivities = Pick<
  ReturnType<typeof createPaymentActivities>,
  | 'authorizePayment'
  | 'capturePayment'
  | 'voidAuthorization'
  | 'refundPayment'
  | 'recognizeEarnings'
  | 'transferToHost'
  | 'reverseEarnings'
  | 'reverseTransfer'
  | 'recordPayout'
>;
type Overrides = Partial<BookingActivities & PaymentActivities>;
type Handle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;

const SCENARIO_QUEUE = 'bookings-scenarios';
const DAY_MS = 86_400_000;
export const SCENARIO_APPROVAL_WINDOW = '24 hours';

function businessFailure(type: string, message: string) {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

interface Scenario {
  instantBook: boolean;
  /** The review window this booking's terms ask for; the reviews domain's default if absent. */
  reviewWindow?: string;
  overrides?: Overrides;
  /** What a guest, host or admin does while the booking runs; what it returns is the scenario's `acted`. */
  act?: (handle: Handle, env: TestWorkflowEnvironment) => Promise<unknown>;
}

const opened = (handle: Handle) => handle.executeUpdate(openBookingUpdate);

export const bookingScenarios = {
  'instant-book-completed': { instantBook: true },
  'completed-with-review-window': { instantBook: true, reviewWindow: '10 days' },
  'request-approved': {
    instantBook: false,
    act: async (handle) => {
      await opened(handle);
      await waitForStatus(handle, 'awaiting_approval');
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'host', actorId: 'host-1' }] });
    },
  },
  'request-declined': {
    instantBook: false,
    act: async (handle) => {
      await waitForStatus(handle, 'awaiting_approval');
      await handle.executeUpdate(declineUpdate, {
        args: [{ by: 'host', actorId: 'host-1', reason: 'Renovation' }],
      });
    },
  },
  'request-expired': { instantBook: false },
  'cancelled-awaiting-approval': {
    instantBook: false,
    act: async (handle) => {
      await waitForStatus(handle, 'awaiting_approval');
      await handle.executeUpdate(cancelUpdate, {
        args: [{ by: 'guest', actorId: 'guest-1', reason: 'Plans changed' }],
      });
    },
  },
  'cancelled-after-confirmation': {
    instantBook: true,
    act: async (handle, env) => {
      await waitForStatus(handle, 'confirmed');
      await handle.executeUpdate(cancelUpdate, { args: [{ by: 'guest', actorId: 'guest-1' }] });
      // The payout outlives the booking; wait for it so its adjusted amount is part of the scenario.
      await env.client.workflow
        .getHandle(payoutWorkflowId(parseBookingWorkflowId(handle.workflowId)!))
        .result();
    },
  },
  'cancelled-while-provider-slow': {
    instantBook: true,
    // A provider that takes its time with the refund (real time: the time-skipping server never skips past a
    // running activity).
    overrides: {
      refundPayment: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return 're_test';
      },
    },
    act: async (handle, env) => {
      await waitForStatus(handle, 'confirmed');
      const answer = await handle.executeUpdate(cancelUpdate, {
        args: [{ by: 'guest', actorId: 'guest-1' }],
      });
      await env.client.workflow
        .getHandle(payoutWorkflowId(parseBookingWorkflowId(handle.workflowId)!))
        .result();
      return answer;
    },
  },
  'cancelled-while-paying': {
    instantBook: true,
    // A provider that takes its time with the capture, and a guest who cancels meanwhile.
    overrides: {
      capturePayment: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      },
    },
    act: async (handle) => {
      await waitForStatus(handle, 'held');
      return handle.executeUpdate(cancelUpdate, { args: [{ by: 'guest', actorId: 'guest-1' }] });
    },
  },
  'cancelled-after-payout': {
    instantBook: true,
    act: async (handle, env) => {
      await waitForStatus(handle, 'confirmed');
      // The host is paid a day after check-in; the stay is then cancelled by the host before check-out.
      await env.client.workflow
        .getHandle(payoutWorkflowId(parseBookingWorkflowId(handle.workflowId)!))
        .result();
      await handle.executeUpdate(cancelUpdate, {
        args: [{ by: 'host', actorId: 'host-1', reason: 'Burst pipe' }],
      });
    },
  },
  'card-declined': {
    instantBook: true,
    overrides: {
      async authorizePayment() {
        throw businessFailure(PaymentFailureType.CARD_DECLINED, 'insufficient funds');
      },
    },
  },
  'dates-unavailable': {
    instantBook: true,
    overrides: {
      async holdDates() {
        throw businessFailure(BookingFailureType.DATES_UNAVAILABLE, 'these dates are already booked');
      },
    },
  },
} satisfies Record<string, Scenario>;

export type BookingScenario = keyof typeof bookingScenarios;

async function waitForStatus(handle: Handle, status: BookingState['status']): Promise<void> {
  for (;;) {
    const state = await handle.query<BookingState>('bookingState');
    if (state.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function recordingActivities(scenario: Scenario) {
  const calls: string[] = [];
  const booking: BookingActivities = {
    async quoteStay(request): Promise<BookingQuote> {
      calls.push('quoteStay');
      // Two nights of 3 000 ₽, 500 ₽ cleaning, 500 ₽ service fee; 3 % host fee on 6 500 ₽.
      return {
        listingId: request.listingId,
        hostId: 'host-1',
        nights: 2,
        lines: [
          { kind: 'night', date: request.checkIn, amount: money(300_000) },
          { kind: 'night', date: request.checkIn, amount: money(300_000) },
          { kind: 'cleaning_fee', amount: money(50_000) },
          { kind: 'service_fee', amount: money(50_000) },
        ],
        total: money(700_000),
        hostFee: money(19_500),
        hostPayout: money(630_500),
        instantBook: scenario.instantBook,
        cancellationPolicy: 'moderate',
        checkInAt: `${request.checkIn}T12:00:00.000Z`,
        checkOutAt: `${request.checkOut}T09:00:00.000Z`,
      };
    },
    async holdDates() {
      calls.push('holdDates');
    },
    async awaitApproval() {
      calls.push('awaitApproval');
    },
    async confirmBooking() {
      calls.push('confirmBooking');
    },
    async releaseDates(_bookingId, ending) {
      calls.push(`releaseDates:${ending}`);
    },
    async completeStay() {
      calls.push('completeStay');
    },
  };
  const payment: PaymentActivities = {
    async authorizePayment(request) {
      calls.push('authorizePayment');
      return { paymentIntentId: 'pi_test', status: 'requires_capture', amount: request.amount };
    },
    async capturePayment() {
      calls.push('capturePayment');
    },
    async voidAuthorization() {
      calls.push('voidAuthorization');
    },
    async refundPayment(refund) {
      calls.push(`refundPayment:${refund.amount.amount}`);
      return 're_test';
    },
    async recognizeEarnings(earning) {
      calls.push(`recognizeEarnings:${earning.earned.amount}`);
    },
    async transferToHost(transfer) {
      calls.push(`transferToHost:${transfer.amount.amount}`);
      return 'tr_test';
    },
    async reverseEarnings(reversal) {
      calls.push(`reverseEarnings:${reversal.hostShare.amount}`);
    },
    // The host's payout record moves no money: not one of the calls the scenarios check.
    async recordPayout() {},
    async reverseTransfer(reversal) {
      calls.push(`reverseTransfer:${reversal.transferId}:${reversal.amount.amount}`);
      return 'trr_test';
    },
  };
  const overrides = (scenario.overrides ?? {}) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const withOverrides = <T extends object>(activities: T): T =>
    Object.fromEntries(
      Object.entries(activities).map(([name, fn]) => {
        const override = overrides[name];
        return [name, override ? (...args: unknown[]) => (calls.push(name), override(...args)) : fn];
      }),
    ) as T;
  return { calls, booking: withOverrides(booking), payment: withOverrides(payment) };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface ScenarioBundles {
  bookings: WorkflowBundleWithSourceMap;
  payments: WorkflowBundleWithSourceMap;
}

/** A time-skipping server and both pools' workflow bundles, prepared at once for a suite of scenarios. */
export async function startScenarioEnvironment(): Promise<{
  env: TestWorkflowEnvironment;
  bundles: ScenarioBundles;
}> {
  const [env, bookings, payments] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
    bundleWorkflows('@kvartirnsk/workflows/payments/index'),
  ]);
  return { env, bundles: { bookings, payments } };
}

/** Runs one scenario to its end: a two-night stay starting in two days, in the environment's time. */
export async function runBookingScenario(
  env: TestWorkflowEnvironment,
  bundles: ScenarioBundles,
  name: BookingScenario,
) {
  const scenario: Scenario = bookingScenarios[name];
  const now = await env.currentTimeMs();
  const request: BookingRequest = {
    bookingId: `scenario-${name}`,
    listingId: 'listing-1',
    guestId: 'guest-1',
    checkIn: isoDate(now + 2 * DAY_MS),
    checkOut: isoDate(now + 4 * DAY_MS),
    guests: 2,
  };
  const activities = recordingActivities(scenario);
  const bookingWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: SCENARIO_QUEUE,
    workflowBundle: bundles.bookings,
    activities: activities.booking,
  });
  const paymentWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: PAYMENTS_TASK_QUEUE,
    workflowBundle: bundles.payments,
    activities: activities.payment,
  });
  const handle = await env.client.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(request.bookingId),
    taskQueue: SCENARIO_QUEUE,
    args: [
      request,
      {
        approvalWindow: SCENARIO_APPROVAL_WINDOW,
        ...(scenario.reviewWindow ? { reviewWindow: scenario.reviewWindow } : {}),
      },
    ],
  });
  // The review pool's side of a completed stay, standing in: the window itself is tested in workflows/reviews.
  const reviewWindowsOpened: ReviewWindowInput[] = [];
  const reviewWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: REVIEWS_TASK_QUEUE,
    activities: {
      async openReviewWindow(input) {
        reviewWindowsOpened.push(input);
      },
    } satisfies ReturnType<typeof createReviewWindowStarter>,
  });
  // The notification pool's side, standing in: the real activity is tested in activities/notifications.
  const notifier = recordingNotifier();
  const notificationWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: NOTIFICATIONS_TASK_QUEUE,
    activities: notifier.activities,
  });
  const { acted, result } = await bookingWorker.runUntil(
    paymentWorker.runUntil(
      reviewWorker.runUntil(
        notificationWorker.runUntil(async () => {
          const acted = await scenario.act?.(handle, env);
          return { acted, result: await handle.result() };
        }),
      ),
    ),
  );
  return {
    result,
    acted,
    calls: activities.calls,
    handle,
    startedAt: now,
    reviewWindowsOpened,
    notifications: notifier.sent,
  };
}
