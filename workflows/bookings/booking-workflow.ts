import {
  ApplicationFailure,
  CancellationScope,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import {
  AmountKopecksKey,
  BookingStatusKey,
  CheckInKey,
  GuestIdKey,
  HostIdKey,
  ListingIdKey,
} from '@kvartirnsk/temporal/search-attributes';
import { PAYMENTS_TASK_QUEUE } from '../payments/contract';
import { bookingStateQuery, type BookingRequest, type BookingState, type BookingStatus } from './contract';

/** Database steps are idempotent and cheap to retry; they retry until they succeed. */
const databaseStep = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

/**
 * Money moves through the provider with an idempotency key, so retries are safe; back off harder and
 * keep trying for a while, because a provider outage must not lose a booking that the guest paid for.
 */
const providerCall = {
  taskQueue: PAYMENTS_TASK_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 50,
  },
} as const;

const bookings = proxyActivities<ReturnType<typeof createBookingActivities>>(databaseStep);
const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(providerCall);

/**
 * A guest's booking from request to check-out: hold the dates, authorize and capture the payment, confirm,
 * then wait for check-out and complete the stay. A failure after any step undoes the earlier steps in reverse.
 */
export async function bookingWorkflow(request: BookingRequest): Promise<BookingState> {
  const state: BookingState = { bookingId: request.bookingId, status: 'requested', history: [] };
  const advance = (status: BookingStatus, detail?: string) => {
    state.status = status;
    state.history.push({ status, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
    upsertSearchAttributes([{ key: BookingStatusKey, value: status }]);
  };
  setHandler(bookingStateQuery, () => state);
  advance('requested');

  const compensations: Array<() => Promise<void>> = [];
  try {
    const quote = await bookings.quoteStay(request);
    state.quote = quote;
    upsertSearchAttributes([
      { key: ListingIdKey, value: request.listingId },
      { key: HostIdKey, value: quote.hostId },
      { key: GuestIdKey, value: request.guestId },
      { key: CheckInKey, value: new Date(request.checkIn) },
      { key: AmountKopecksKey, value: quote.total.amount },
    ]);

    await bookings.holdDates(request, quote);
    compensations.unshift(() => bookings.releaseDates(request.bookingId, state.failure?.type ?? 'failed'));
    advance('held');

    const authorization = await payments.authorizePayment({
      bookingId: request.bookingId,
      amount: quote.total,
    });
    state.paymentIntentId = authorization.paymentIntentId;
    compensations.unshift(() => payments.voidAuthorization(authorization.paymentIntentId));
    advance('authorized');

    await payments.capturePayment(authorization.paymentIntentId);
    // Captured money is not voided any more; from here a failure is a refund, which the cancellation flow owns.
    compensations.length = 0;
    await bookings.confirmBooking(request.bookingId, authorization.paymentIntentId);
    advance('confirmed');
  } catch (err) {
    state.failure = failureOf(err);
    log.warn('booking failed; compensating', { bookingId: request.bookingId, failure: state.failure });
    // Compensations must run even if the workflow itself is being cancelled.
    await CancellationScope.nonCancellable(async () => {
      for (const compensate of compensations) await compensate();
    });
    advance('failed', state.failure.message);
    return state;
  }

  const untilCheckOut = Date.parse(state.quote.checkOutAt) - Date.now();
  if (untilCheckOut > 0) await sleep(untilCheckOut);
  await bookings.completeStay(request.bookingId);
  advance('completed');
  log.info('stay completed', { bookingId: request.bookingId, workflowId: workflowInfo().workflowId });
  return state;
}

function failureOf(err: unknown): { type: string; message: string } {
  const cause = err instanceof Error && err.cause instanceof ApplicationFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Error', message: cause.message };
  return { type: 'Error', message: err instanceof Error ? err.message : String(err) };
}
