import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { money } from '@kvartirnsk/lib/money';
import { PAYMENTS_TASK_QUEUE, PaymentFailureType } from '../payments/contract';
import { BookingFailureType, bookingWorkflowId, type BookingQuote, type BookingRequest } from './contract';
import { bookingWorkflow } from './booking-workflow';

// Test support, not workflow code: the booking flow's paths driven by recording stand-in activities, shared by
// the workflow tests and by the recorder of the histories that the replay test replays.

type BookingActivities = ReturnType<typeof createBookingActivities>;
type PaymentActivities = ReturnType<typeof createPaymentActivities>;
type Overrides = Partial<BookingActivities & PaymentActivities>;

const SCENARIO_QUEUE = 'bookings-scenarios';
const DAY_MS = 86_400_000;

function businessFailure(type: string, message: string) {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export const bookingScenarios = {
  'instant-book-completed': {},
  'card-declined': {
    async authorizePayment() {
      throw businessFailure(PaymentFailureType.CARD_DECLINED, 'declined');
    },
  },
  'capture-rejected': {
    async capturePayment() {
      throw businessFailure('CaptureRejected', 'expired');
    },
  },
  'dates-unavailable': {
    async holdDates() {
      throw businessFailure(BookingFailureType.DATES_UNAVAILABLE, 'these dates are already booked');
    },
  },
} satisfies Record<string, Overrides>;

export type BookingScenario = keyof typeof bookingScenarios;

function recordingActivities(overrides: Overrides) {
  const calls: string[] = [];
  const booking: BookingActivities = {
    async quoteStay(request): Promise<BookingQuote> {
      calls.push('quoteStay');
      return {
        listingId: request.listingId,
        hostId: 'host-1',
        nights: 2,
        lines: [],
        total: money(700_000),
        checkOutAt: `${request.checkOut}T09:00:00.000Z`,
      };
    },
    async holdDates() {
      calls.push('holdDates');
    },
    async confirmBooking() {
      calls.push('confirmBooking');
    },
    async releaseDates(_bookingId, reason) {
      calls.push(`releaseDates:${reason}`);
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
  };
  const withOverrides = <T extends object>(activities: T): T =>
    Object.fromEntries(
      Object.entries(activities).map(([name, fn]) => {
        const override = (overrides as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
        return [name, override ? (...args: unknown[]) => (calls.push(name), override(...args)) : fn];
      }),
    ) as T;
  return { calls, booking: withOverrides(booking), payment: withOverrides(payment) };
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Runs one scenario to its end: a two-night stay starting tomorrow in the environment's time. */
export async function runBookingScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  scenario: BookingScenario,
) {
  const now = await env.currentTimeMs();
  const request: BookingRequest = {
    bookingId: `scenario-${scenario}`,
    listingId: 'listing-1',
    guestId: 'guest-1',
    checkIn: isoDate(now + DAY_MS),
    checkOut: isoDate(now + 3 * DAY_MS),
    guests: 2,
  };
  const activities = recordingActivities(bookingScenarios[scenario]);
  const bookingWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: SCENARIO_QUEUE,
    workflowBundle: bundle,
    activities: activities.booking,
  });
  const paymentWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: PAYMENTS_TASK_QUEUE,
    activities: activities.payment,
  });
  const handle = await env.client.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(request.bookingId),
    taskQueue: SCENARIO_QUEUE,
    args: [request],
  });
  const result = await bookingWorker.runUntil(paymentWorker.runUntil(handle.result()));
  return { result, calls: activities.calls, handle, startedAt: now };
}
