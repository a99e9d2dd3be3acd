import { proxyActivities } from '@temporalio/workflow';
import type { trivialActivities } from './trivial-activities';

/** Its own queue, polled by a worker on the booking benchmark's worker connection. */
export const TRIVIAL_TASK_QUEUE = 'bench-trivial';

/**
 * As many activities as one booking runs to `confirmed`: quoteStay, holdDates and confirmBooking on
 * `bookings`, plus authorizePayment and capturePayment in the child PaymentWorkflow on `payments`.
 */
export const BOOKING_ACTIVITY_COUNT = 5;

// The booking flow's activity timeout, so both flows ask the server for the same kind of activity task.
const { noop } = proxyActivities<typeof trivialActivities>({ startToCloseTimeout: '30 seconds' });

/** The baseline: the same number of sequential activities, none of them doing any work. */
export async function trivialWorkflow(): Promise<void> {
  for (let step = 0; step < BOOKING_ACTIVITY_COUNT; step += 1) {
    await noop();
  }
}
