import { proxyActivities } from '@temporalio/workflow';
import type { trivialActivities } from './trivial-activities';

/** Its own queue, polled by a worker process of workers/test-pool.ts started by the booking benchmark. */
export const TRIVIAL_TASK_QUEUE = 'bench-trivial';

/**
 * As many activities as one booking runs to `confirmed`: quoteStay, holdDates and confirmBooking on
 * `bookings`, plus authorizePayment and capturePayment in the child PaymentWorkflow on `payments`.
 */
export const BOOKING_ACTIVITY_COUNT = 5;

// The booking flow's activity timeout, so both flows ask the server for the same kind of activity task.
const { noop } = proxyActivities<typeof trivialActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * The baseline: the same number of sequential activities, none of them doing any work. Returns when its last
 * activity ran (epoch milliseconds).
 */
export async function trivialWorkflow(): Promise<number> {
  let lastRanAt = 0;
  for (let step = 0; step < BOOKING_ACTIVITY_COUNT; step += 1) {
    lastRanAt = await noop();
  }
  return lastRanAt;
}
