import {
  ApplicationFailure,
  CancellationScope,
  condition,
  log,
  ParentClosePolicy,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import type { createReviewWindowStarter } from '@kvartirnsk/activities/reviews/window-starter';
import {
  AmountKopecksKey,
  BookingStatusKey,
  CheckInKey,
  GuestIdKey,
  HostIdKey,
  ListingIdKey,
} from '@kvartirnsk/temporal/search-attributes';
import {
  adjustPayoutSignal,
  type Authorization,
  type PaymentResult,
  type PayoutResult,
  PAYMENTS_TASK_QUEUE,
  payoutWorkflowId,
  refundWorkflowId,
  paymentAuthorizedSignal,
  paymentCommandSignal,
  paymentWorkflowId,
} from '../payments/contract';
import { paymentWorkflow } from '../payments/payment-workflow';
import { payoutWorkflow } from '../payments/payout-workflow';
import { refundWorkflow } from '../payments/refund-workflow';
import type {
  BookingNotice,
  HostCancellationNotice,
  Notice,
  NotificationData,
  NotificationKind,
} from '../notifications/contract';
import { notifyQuietly } from '../notifications/notify';
import { DEFAULT_REMINDERS, DEFAULT_REVIEW_WINDOW, REVIEWS_TASK_QUEUE } from '../reviews/contract';
import { money, type Money } from '@kvartirnsk/lib/money';
import { computeRefund } from './cancellation-policy';
import {
  approveUpdate,
  BookingFailureType,
  bookingStateQuery,
  cancelUpdate,
  declineUpdate,
  isTerminal,
  openBookingUpdate,
  providerEventSignal,
  type BookingEnding,
  type BookingQuote,
  type BookingRequest,
  type BookingState,
  type BookingStatus,
  type BookingTerms,
  type Cancellation,
  type HostDecision,
} from './contract';

/** Database steps are idempotent and cheap to retry; they retry until they succeed. */
const databaseStep = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

type BookingSteps = ReturnType<typeof createBookingActivities>;
/** Bookings started before database steps ran locally schedule them as activities on the bookings queue. */
const bookingsScheduled = proxyActivities<BookingSteps>(databaseStep);
/**
 * The booking pool runs its own database steps as local activities, recorded in the history as markers: each
 * is a short Postgres write, and a round trip through the server per step was much of a booking's cost while
 * the server is the bottleneck (bench/results/SUMMARY.md).
 */
const bookingsLocal = proxyLocalActivities<BookingSteps>(databaseStep);
/**
 * Run by the review pool, which starts the window as a workflow of its own: the booking ends at check-out
 * and is no parent of the window, so neither holds the other's code, history or lifetime.
 */
const reviewWindows = proxyActivities<ReturnType<typeof createReviewWindowStarter>>({
  ...databaseStep,
  taskQueue: REVIEWS_TASK_QUEUE,
});

/** How long a guest's card hold may wait for capture; card networks drop holds after about a week. */
const CAPTURE_WINDOW = '7 days';

/** Ends the flow before a stay: compensations run, and the booking settles in `status` with a reason. */
class BookingEnded extends Error {
  constructor(
    readonly status: BookingEnding,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const rejectWrongStatus = (state: BookingState, expected: readonly BookingStatus[], action: string) => {
  if (!expected.includes(state.status)) {
    throw ApplicationFailure.create({
      type: BookingFailureType.WRONG_STATUS,
      message: `Cannot ${action} a booking that is ${state.status}`,
      nonRetryable: true,
    });
  }
};

/** The kinds that tell of a booking's step with nothing but the booking (and a reason). */
type BookingStepKind = {
  [Kind in NotificationKind]: NotificationData[Kind] extends BookingNotice
    ? BookingNotice extends NotificationData[Kind]
      ? Kind
      : never
    : never;
}[NotificationKind];

/** Before capture a cancellation voids the hold; once confirmed, it refunds by the listing's policy. */
const CANCELLABLE: readonly BookingStatus[] = [
  'requested',
  'held',
  'authorized',
  'awaiting_approval',
  'confirmed',
];

/** Every patch the booking flow has taken, oldest first. */
type BookingPatch =
  | 'notifications'
  | 'review-window'
  | 'payout-clawback'
  | 'host-notifications'
  | 'cancelled-before-refund'
  | 'local-database-steps'
  | 'instant-capture';

/**
 * Which patches this booking runs with, decided in its first workflow task, before any local activity.
 *
 * `patched()` looks ahead in the history only as far as the end of the current workflow task. When a task
 * waited long in the queue, the SDK closes it early as soon as a local activity returns (a "heartbeat"), and
 * the code that ran on that result lands in the next task; on replay that code runs in the earlier task, where
 * `patched()` cannot see the marker yet and returns false: a nondeterminism error, found by the chaos run
 * (bench/results/CHAOS.md). So a booking decides its patches once, at its start, where nothing precedes them.
 * The marker `patches-decided-at-start` stands for every patch up to `instant-capture`; a later patch gets a
 * `patched()` call of its own here, beside it. Bookings started before this decide each patch where it
 * applies, as they always did, and never take `instant-capture`.
 */
function decidePatches(): (patch: BookingPatch) => boolean {
  if (patched('patches-decided-at-start')) return () => true;
  return (patch) => patch !== 'instant-capture' && patched(patch);
}

/**
 * A guest's booking from request to check-out: hold the dates, place a hold on the card through the
 * booking's PaymentWorkflow, then confirm at once (Instant Book) or wait for the host's answer (Request to
 * Book), capture, and sleep until check-out. Whatever ends it early — a decline, an expired request, a
 * cancellation, a failure — undoes the steps already taken, in reverse order.
 */
export async function bookingWorkflow(request: BookingRequest, terms: BookingTerms): Promise<BookingState> {
  const taken = decidePatches();
  const bookings = taken('local-database-steps') ? bookingsLocal : bookingsScheduled;
  const state: BookingState = {
    bookingId: request.bookingId,
    listingId: request.listingId,
    guestId: request.guestId,
    checkIn: request.checkIn,
    checkOut: request.checkOut,
    status: 'requested',
    history: [],
  };
  let authorization: Authorization | undefined;
  let hostAnswer: { approved: boolean; decision: HostDecision } | undefined;
  let cancellation: Cancellation | undefined;

  const advance = (status: BookingStatus, detail?: string) => {
    state.status = status;
    state.history.push({ status, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
    upsertSearchAttributes([{ key: BookingStatusKey, value: status }]);
  };
  const settledAfter = (status: BookingStatus) => condition(() => state.status !== status);
  // Notifications (and a refund settling before confirmation) never hold up the flow: started where the step
  // happens, awaited only before the workflow ends (so none is abandoned). Each notification is sent from the
  // patch that introduced it on, so bookings started before it replay without it.
  const finishing: Array<Promise<void>> = [];
  const tellSince = (patch: 'notifications' | 'host-notifications', userId: string, notice: Notice) => {
    if (!taken(patch)) return;
    finishing.push(notifyQuietly(userId, notice));
  };
  const bookingNotice = (reason?: string): BookingNotice => ({
    bookingId: request.bookingId,
    listingId: request.listingId,
    checkIn: request.checkIn,
    checkOut: request.checkOut,
    ...(reason ? { reason } : {}),
  });
  const tell = (userId: string, kind: BookingStepKind, reason?: string) =>
    tellSince('notifications', userId, { kind, data: bookingNotice(reason) });
  /** The host hears of a cancellation they did not make themselves. */
  const tellHostOfCancellation = (stage: HostCancellationNotice['stage']) => {
    const by = cancellation?.by;
    if (!state.quote || by === undefined || by === 'host') return;
    tellSince('host-notifications', state.quote.hostId, {
      kind: 'booking_cancelled_for_host',
      data: { ...bookingNotice(cancellation?.reason), cancelledBy: by, stage },
    });
  };
  const requireHostOf = (decision: HostDecision) => {
    if (decision.by !== 'admin' && decision.actorId !== state.quote?.hostId) {
      throw ApplicationFailure.create({
        type: BookingFailureType.WRONG_STATUS,
        message: 'Only the host of this listing can answer this request',
        nonRetryable: true,
      });
    }
  };

  setHandler(bookingStateQuery, () => state);
  setHandler(providerEventSignal, (event) => {
    // Redelivered webhooks are deduplicated upstream; the id check keeps the history honest regardless.
    if (state.providerEvents?.some((known) => known.id === event.id)) return;
    (state.providerEvents ??= []).push(event);
    log.warn('provider event outside the booking flow', { bookingId: request.bookingId, ...event });
  });
  setHandler(paymentAuthorizedSignal, (received) => {
    authorization = received;
  });
  setHandler(openBookingUpdate, async () => {
    await settledAfter('requested');
    return state;
  });
  // Approve and decline differ only in the answer; either settles the wait for the host.
  for (const [update, approved] of [
    [approveUpdate, true],
    [declineUpdate, false],
  ] as const) {
    setHandler(
      update,
      async (decision: HostDecision) => {
        hostAnswer = { approved, decision };
        await settledAfter('awaiting_approval');
        return state;
      },
      {
        validator: (decision: HostDecision) => {
          rejectWrongStatus(state, ['awaiting_approval'], approved ? 'approve' : 'decline');
          requireHostOf(decision);
        },
      },
    );
  }
  setHandler(
    cancelUpdate,
    async (received) => {
      cancellation ??= received;
      await condition(() => isTerminal(state.status));
      return state;
    },
    { validator: (_cancellation: Cancellation) => rejectWrongStatus(state, CANCELLABLE, 'cancel') },
  );

  /** Gives the guest everything back for a booking cancelled before it was confirmed, once captured. */
  const refundInFull = async (paymentIntentId: string, quote: BookingQuote, cancelled: Cancellation) => {
    const refund = await startChild(refundWorkflow, {
      workflowId: refundWorkflowId(request.bookingId, 'cancellation'),
      taskQueue: PAYMENTS_TASK_QUEUE,
      args: [
        {
          bookingId: request.bookingId,
          paymentIntentId,
          amount: quote.total,
          reason: cancelled.reason ?? `Cancelled by the ${cancelled.by}`,
          requestedBy: cancelled.by,
          guestId: request.guestId,
        },
      ],
    });
    const refunded = { total: quote.total, rule: 'cancelled before confirmation: full refund' };
    state.refund = { ...refunded, settled: false };
    finishing.push(
      refund.result().then(() => {
        state.refund = { ...refunded, settled: true };
      }),
    );
  };

  const stopIfCancelled = () => {
    if (cancellation) {
      throw new BookingEnded('cancelled', 'Cancelled', `Cancelled by the ${cancellation.by}`);
    }
  };

  advance('requested');
  const compensations: Array<(ending: BookingEnding) => Promise<void>> = [];
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
    stopIfCancelled();

    await bookings.holdDates(request, quote);
    compensations.unshift((ending) =>
      bookings.releaseDates(request.bookingId, ending, state.failure?.message ?? ending),
    );
    advance('held');
    stopIfCancelled();

    // An Instant Book has nothing to decide between hold and capture, so its payment captures as soon as the
    // hold is placed, without a signal each way: two workflow tasks fewer on each side, in a flow whose cost
    // is mostly server round trips (bench/results/SUMMARY.md). Bookings started before this wait for the hold.
    const captureAtOnce = quote.instantBook && taken('instant-capture');
    const payment = await startChild(paymentWorkflow, {
      workflowId: paymentWorkflowId(request.bookingId),
      taskQueue: PAYMENTS_TASK_QUEUE,
      args: [
        {
          bookingId: request.bookingId,
          amount: quote.total,
          paymentMethod: request.paymentMethod,
          notifyWorkflowId: workflowInfo().workflowId,
          captureWindow: CAPTURE_WINDOW,
          ...(captureAtOnce ? { captureAtOnce } : {}),
        },
      ],
      // The payment outlives a terminated booking: its own capture window then voids the hold.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    // The payment reports its hold by signal and ends with a result; both are observed through conditions,
    // so a payment that fails is seen where it matters and never becomes an unhandled rejection.
    let paymentOutcome: PaymentResult | Error | undefined;
    void payment.result().then(
      (result) => {
        paymentOutcome = result;
      },
      (err: unknown) => {
        paymentOutcome = err instanceof Error ? err : new Error(String(err));
      },
    );
    const paymentEnded = () => condition(() => paymentOutcome !== undefined);
    const declined = (result: PaymentResult | undefined) =>
      new BookingEnded('failed', 'PaymentDeclined', `The card was declined: ${result?.reason ?? ''}`);
    const heldOrEnded = () => condition(() => authorization !== undefined || paymentOutcome !== undefined);
    /** Waits for the payment to end, and returns it if it captured the money. */
    const captured = async (): Promise<PaymentResult & { paymentIntentId: string }> => {
      await paymentEnded();
      const outcome: PaymentResult | Error | undefined = paymentOutcome;
      if (outcome instanceof Error) throw outcome;
      if (outcome?.status === 'declined') throw declined(outcome);
      if (outcome?.status !== 'captured' || !outcome.paymentIntentId) {
        throw new BookingEnded('failed', 'CaptureFailed', `The payment was ${outcome?.status ?? 'lost'}`);
      }
      return { ...outcome, paymentIntentId: outcome.paymentIntentId };
    };

    let capturedIntentId: string;
    if (captureAtOnce) {
      // A payment pool that does not capture at once yet tells of the hold instead, and waits for the word.
      await heldOrEnded();
      if (paymentOutcome === undefined) await payment.signal(paymentCommandSignal, 'capture');
      const paid = await captured();
      capturedIntentId = paid.paymentIntentId;
      state.paymentIntentId = capturedIntentId;
      // The hold was a step of the payment alone: it stays in the booking's history, at the time it was placed.
      state.history.push({ status: 'authorized', at: paid.authorizedAt ?? new Date().toISOString() });
      // A cancellation that came while the payment ran finds the money captured: all of it goes back.
      const cancelled = cancellation;
      if (cancelled) compensations.unshift(() => refundInFull(capturedIntentId, quote, cancelled));
      stopIfCancelled();
    } else {
      await heldOrEnded();
      if (!authorization) {
        if (paymentOutcome instanceof Error) throw paymentOutcome;
        throw declined(paymentOutcome);
      }
      compensations.unshift(async () => {
        if (paymentOutcome === undefined) await payment.signal(paymentCommandSignal, 'void');
        await paymentEnded();
      });
      state.paymentIntentId = authorization.paymentIntentId;
      advance('authorized');
      stopIfCancelled();

      if (!quote.instantBook) {
        const deadline = new Date(Date.now() + msToNumber(terms.approvalWindow));
        state.approvalDeadline = deadline.toISOString();
        await bookings.awaitApproval(request.bookingId, state.approvalDeadline);
        advance('awaiting_approval');
        // The deadline rides along in the same notification as before (its input, not a new command).
        tellSince('notifications', quote.hostId, {
          kind: 'booking_requested',
          data: { ...bookingNotice(), respondBy: state.approvalDeadline },
        });
        tellSince('host-notifications', request.guestId, {
          kind: 'booking_request_sent',
          data: { ...bookingNotice(), respondBy: state.approvalDeadline },
        });
        const answered = await condition(
          () => hostAnswer !== undefined || cancellation !== undefined,
          terms.approvalWindow,
        );
        stopIfCancelled();
        if (!answered || !hostAnswer) {
          throw new BookingEnded('expired', 'Expired', 'The host did not answer in time');
        }
        if (!hostAnswer.approved) {
          throw new BookingEnded(
            'declined',
            'Declined',
            hostAnswer.decision.reason ?? 'The host declined the request',
          );
        }
        tell(request.guestId, 'booking_approved');
      }

      await payment.signal(paymentCommandSignal, 'capture');
      capturedIntentId = (await captured()).paymentIntentId;
    }
    // Captured money is not voided any more; from here on, giving it back is a refund.
    compensations.length = 0;
    await bookings.confirmBooking(request.bookingId, capturedIntentId);
    advance('confirmed');
    tell(request.guestId, 'booking_confirmed');
    // A request's host has just approved it; an Instant Book's hears of it only now.
    if (quote.instantBook)
      tellSince('host-notifications', quote.hostId, { kind: 'booking_received', data: bookingNotice() });
  } catch (err) {
    const ending = endingOf(err);
    state.failure = { type: ending.type, message: ending.message };
    log.warn('booking ended before the stay; compensating', {
      bookingId: request.bookingId,
      ...state.failure,
    });
    // Compensations must run even if the workflow itself is being cancelled.
    await CancellationScope.nonCancellable(async () => {
      for (const compensate of compensations) await compensate(ending.status);
    });
    advance(ending.status, ending.message);
    if (ending.status !== 'failed') tell(request.guestId, `booking_${ending.status}`, ending.message);
    // Only a request is cancelled for the host before confirmation: an Instant Book was not theirs to hear of yet.
    if (ending.status === 'cancelled' && state.history.some((step) => step.status === 'awaiting_approval')) {
      tellHostOfCancellation('request');
    }
    await Promise.all(finishing);
    return state;
  }

  // Confirmed: the host is paid a day after check-in, and until check-out the guest, the host or an admin can
  // still cancel, with a refund by the listing's policy.
  const quote = state.quote;
  const paymentIntentId = state.paymentIntentId;
  const payout = await startChild(payoutWorkflow, {
    workflowId: payoutWorkflowId(request.bookingId),
    taskQueue: PAYMENTS_TASK_QUEUE,
    args: [
      {
        bookingId: request.bookingId,
        hostAccount: hostAccountOf(quote.hostId),
        earned: quote.total,
        hostShare: quote.hostPayout,
        ...(taken('notifications') ? { hostId: quote.hostId } : {}),
        payAt: new Date(Date.parse(quote.checkInAt) + PAYOUT_DELAY_MS).toISOString(),
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  let payoutDone = false;
  let payoutResult: PayoutResult | undefined;
  void payout.result().then(
    (result) => {
      payoutResult = result;
      payoutDone = true;
    },
    () => {
      payoutDone = true;
    },
  );

  const untilCheckOut = Date.parse(quote.checkOutAt) - Date.now();
  if (untilCheckOut > 0) await condition(() => cancellation !== undefined, untilCheckOut);
  if (!cancellation) {
    await bookings.completeStay(request.bookingId);
    advance('completed');
    // Bookings that were already running when the review window arrived complete as they always did.
    if (taken('review-window')) {
      await reviewWindows.openReviewWindow({
        bookingId: request.bookingId,
        listingId: request.listingId,
        guestId: request.guestId,
        hostId: quote.hostId,
        window: terms.reviewWindow ?? DEFAULT_REVIEW_WINDOW,
        remindBefore: DEFAULT_REMINDERS,
      });
    }
    await Promise.all(finishing);
    return state;
  }

  const refund = computeRefund({
    policy: quote.cancellationPolicy,
    checkInAt: quote.checkInAt,
    nightlyPrices: quote.lines.filter((line) => line.kind === 'night').map((line) => line.amount),
    cleaningFee: amountOf(quote, 'cleaning_fee'),
    serviceFee: amountOf(quote, 'service_fee'),
    bookedAt: workflowInfo().startTime.toISOString(),
    cancelledAt: new Date().toISOString(),
    cancelledBy: cancellation.by,
  });
  state.refund = { total: refund.total, rule: refund.rule };
  const reason = cancellation.reason ?? `Cancelled by the ${cancellation.by}`;
  await bookings.releaseDates(request.bookingId, 'cancelled', reason);
  // The booking is cancelled once its dates are free: the canceller's answer and the state everyone reads say
  // so at once, while the refund (which may wait out a slow provider) settles afterwards. Bookings cancelled
  // before this change turned cancelled only after their refund.
  const cancelledBeforeRefund = taken('cancelled-before-refund');
  if (cancelledBeforeRefund) {
    state.refund.settled = refund.total.amount === 0;
    advance('cancelled', refund.rule);
    tell(request.guestId, 'booking_cancelled', reason);
    tellHostOfCancellation('booking');
  }
  // The host keeps their share of the price the guest still pays, and no more.
  const subtotal = quote.total.amount - amountOf(quote, 'service_fee').amount;
  const kept = subtotal - refund.nights.amount - refund.cleaningFee.amount;
  const hostShareKept = money(
    subtotal === 0 ? 0 : Math.round((kept * quote.hostPayout.amount) / subtotal),
    quote.total.currency,
  );
  // The payout shrinks before the refund goes out, so the host is never paid for nights given back.
  if (!payoutDone) {
    await payout.signal(adjustPayoutSignal, {
      earned: money(quote.total.amount - refund.total.amount, quote.total.currency),
      hostShare: hostShareKept,
    });
  }
  // Once the host was paid, the refund takes the host's share of it back from the transfer. Bookings that were
  // running before clawbacks existed refund as they did (the platform absorbed it).
  const clawback =
    payoutResult?.status === 'paid' && payoutResult.transferId && taken('payout-clawback')
      ? {
          transferId: payoutResult.transferId,
          hostShare: money(quote.hostPayout.amount - hostShareKept.amount, quote.total.currency),
        }
      : undefined;
  if (refund.total.amount > 0 && paymentIntentId) {
    await executeChild(refundWorkflow, {
      workflowId: refundWorkflowId(request.bookingId, 'cancellation'),
      taskQueue: PAYMENTS_TASK_QUEUE,
      args: [
        {
          bookingId: request.bookingId,
          paymentIntentId,
          amount: refund.total,
          reason,
          requestedBy: cancellation.by,
          ...(taken('notifications') ? { guestId: request.guestId } : {}),
          ...(clawback ? { payoutClawback: clawback } : {}),
        },
      ],
    });
  }
  if (cancelledBeforeRefund) {
    state.refund.settled = true;
  } else {
    advance('cancelled', refund.rule);
    tell(request.guestId, 'booking_cancelled', reason);
    tellHostOfCancellation('booking');
  }
  await Promise.all(finishing);
  return state;
}

/** The host is paid once the guest has had a day to arrive and raise a problem. */
const PAYOUT_DELAY_MS = 24 * 3_600_000;

/**
 * Hosts' payout accounts at the provider. Connect onboarding is not modelled yet, so a host is addressed by
 * an account id derived from their user id.
 */
function hostAccountOf(hostId: string): string {
  return `acct_${hostId.replaceAll('-', '')}`;
}

function amountOf(quote: BookingQuote, kind: 'cleaning_fee' | 'service_fee'): Money {
  return quote.lines.find((line) => line.kind === kind)?.amount ?? money(0, quote.total.currency);
}

function endingOf(err: unknown): BookingEnded {
  if (err instanceof BookingEnded) return err;
  const cause = err instanceof Error && err.cause instanceof ApplicationFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return new BookingEnded('failed', cause.type ?? 'Error', cause.message);
  return new BookingEnded('failed', 'Error', err instanceof Error ? err.message : String(err));
}
