import {
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { z } from 'zod';
import type { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import type { ReviewWindowNotice } from '../notifications/contract';
import { notifyQuietly } from '../notifications/notify';
import {
  REVIEW_SIDES,
  ReviewFailureType,
  reviewWindowStateQuery,
  submitGuestReviewUpdate,
  submitHostReviewUpdate,
  type ReviewSide,
  type ReviewWindowInput,
  type ReviewWindowState,
  type Submission,
  type SubmissionReceipt,
} from './contract';
import { guestReviewSchema, hostReviewSchema } from './review-schemas';

/** Mongo writes keyed by booking and side: idempotent, so they retry until they succeed. */
const databaseStep = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

const reviews = proxyActivities<ReturnType<typeof createReviewActivities>>(databaseStep);

const reject = (type: ReviewFailureType, message: string) =>
  ApplicationFailure.create({ type, message, nonRetryable: true });

/**
 * After check-out, guest and host may each write one review until the window closes. Double-blind: each
 * review is held here, unseen by the other side, until both have written or time runs out; then whatever was
 * written publishes at once and the window accepts nothing more. Guest and host are told when it opens, and
 * before it closes (at each of `remindBefore`) a side that has not written is reminded.
 */
export async function reviewWindowWorkflow(input: ReviewWindowInput): Promise<ReviewWindowState> {
  const opensAtMs = Date.now();
  const closesAtMs = opensAtMs + msToNumber(input.window);
  const state: ReviewWindowState = {
    bookingId: input.bookingId,
    listingId: input.listingId,
    guestId: input.guestId,
    hostId: input.hostId,
    status: 'open',
    opensAt: new Date(opensAtMs).toISOString(),
    closesAt: new Date(closesAtMs).toISOString(),
    reminders: [],
  };
  const partyOf = (side: ReviewSide) => (side === 'guest' ? input.guestId : input.hostId);
  const written = (side: ReviewSide) =>
    (side === 'guest' ? state.guestReview : state.hostReview) !== undefined;
  const bothWritten = () => written('guest') && written('host');

  /** Waits until both have written (true) or the instant has come (false). */
  const untilBothWrittenOr = async (atMs: number) => {
    const wait = atMs - Date.now();
    return wait > 0 ? condition(bothWritten, wait) : bothWritten();
  };

  setHandler(reviewWindowStateQuery, () => state);

  const validatorFor =
    <Review>(side: ReviewSide, schema: z.ZodType<Review>) =>
    (submission: Submission<Review>) => {
      if (submission.authorId !== partyOf(side)) {
        throw reject(ReviewFailureType.NOT_A_PARTY, `Only the ${side} of this booking can write this review`);
      }
      if (state.status !== 'open') {
        throw reject(ReviewFailureType.WINDOW_CLOSED, `The review window closed at ${state.closesAt}`);
      }
      if (written(side)) {
        throw reject(ReviewFailureType.ALREADY_REVIEWED, `The ${side} has already written a review`);
      }
      const parsed = schema.safeParse(submission.review);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw reject(ReviewFailureType.INVALID_REVIEW, `Invalid review: ${fields.join('; ')}`);
      }
    };
  const receiptFor = (side: ReviewSide, submittedAt: string): SubmissionReceipt => ({
    side,
    submittedAt,
    closesAt: state.closesAt,
    publishing: bothWritten(),
  });

  setHandler(
    submitGuestReviewUpdate,
    ({ review }) => {
      const submittedAt = new Date().toISOString();
      state.guestReview = { ...guestReviewSchema.parse(review), submittedAt };
      return receiptFor('guest', submittedAt);
    },
    { validator: validatorFor('guest', guestReviewSchema) },
  );
  setHandler(
    submitHostReviewUpdate,
    ({ review }) => {
      const submittedAt = new Date().toISOString();
      state.hostReview = { ...hostReviewSchema.parse(review), submittedAt };
      return receiptFor('host', submittedAt);
    },
    { validator: validatorFor('host', hostReviewSchema) },
  );

  // Notifications never hold up the window: started when due, awaited only before the workflow ends (so none
  // is abandoned). Windows opened before notifications replay without them.
  const notifying: Array<Promise<void>> = [];
  const notifies = patched('review-window-notifications');
  const notice: ReviewWindowNotice = {
    bookingId: input.bookingId,
    listingId: input.listingId,
    closesAt: state.closesAt,
  };
  if (notifies) {
    for (const side of REVIEW_SIDES) {
      notifying.push(notifyQuietly(partyOf(side), { kind: 'review_window_open', data: notice }));
    }
  }

  // Furthest reminder first; one the window is too short for is skipped.
  const reminderTimes = input.remindBefore
    .map((before) => closesAtMs - msToNumber(before))
    .filter((at) => at > opensAtMs)
    .sort((a, b) => a - b);
  for (const remindAt of reminderTimes) {
    if (await untilBothWrittenOr(remindAt)) break;
    const dueAt = new Date(remindAt).toISOString();
    for (const side of REVIEW_SIDES.filter((s) => !written(s))) {
      await reviews.remindReviewer({
        bookingId: input.bookingId,
        listingId: input.listingId,
        side,
        recipientId: partyOf(side),
        closesAt: state.closesAt,
        dueAt,
      });
      state.reminders.push({ side, at: new Date().toISOString() });
      // A side that wrote while the reminder was being recorded has nothing left to be reminded of.
      if (notifies && !written(side)) {
        notifying.push(
          notifyQuietly(partyOf(side), { kind: 'review_window_closing', data: notice }, { occasion: dueAt }),
        );
      }
    }
  }
  await untilBothWrittenOr(closesAtMs);

  // Closed before publishing: a submission arriving while the activity runs is refused, never half-published.
  state.status = 'closed';
  if (!state.guestReview && !state.hostReview) {
    log.info('review window closed with no reviews', { bookingId: input.bookingId });
    await Promise.all(notifying);
    return state;
  }
  const publishedAt = new Date().toISOString();
  await reviews.publishReviews({
    bookingId: input.bookingId,
    listingId: input.listingId,
    guestId: input.guestId,
    hostId: input.hostId,
    publishedAt,
    guestReview: state.guestReview,
    hostReview: state.hostReview,
  });
  state.publishedAt = publishedAt;
  await Promise.all(notifying);
  return state;
}
