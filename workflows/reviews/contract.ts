import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { GuestReview, HostReview } from './review-schemas';

/** The reviews domain's contract: imported by its workflow, its worker, the booking flow and the reviews API. */
export const REVIEWS_TASK_QUEUE = 'reviews';

const WORKFLOW_ID_PREFIX = 'review-window:';

/** One review window per booking: the id comes from the booking id, so a stay never gets two windows. */
export function reviewWindowWorkflowId(bookingId: string): string {
  return WORKFLOW_ID_PREFIX + bookingId;
}

export function parseReviewWindowWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

/**
 * A duration in Temporal's `ms` notation ("14 days", "36 hours"). Plain text rather than Temporal's `Duration`,
 * which resolves to `any` here: the `ms` release it names ships no types under its package exports.
 */
export type DurationText = string;

/** How long guest and host may write after check-out, unless the window's input says otherwise. */
export const DEFAULT_REVIEW_WINDOW: DurationText = '14 days';
/** When, before the window closes, a side that has not written yet is reminded. */
export const DEFAULT_REMINDERS: DurationText[] = ['3 days', '1 day'];

export const REVIEW_SIDES = ['guest', 'host'] as const;
export type ReviewSide = (typeof REVIEW_SIDES)[number];

export const MAX_REVIEW_TEXT = 4000;

export interface ReviewWindowInput {
  bookingId: string;
  listingId: string;
  guestId: string;
  hostId: string;
  /** How long the window stays open, e.g. "14 days". */
  window: DurationText;
  /** How long before the window closes each reminder goes out, e.g. ["3 days", "1 day"]. */
  remindBefore: DurationText[];
}

export interface Submission<Review> {
  /** The user writing: the workflow checks it is the booking's guest (or host). */
  authorId: string;
  review: Review;
}

export type Submitted<Review> = Review & { submittedAt: string };

export const REVIEW_WINDOW_STATUSES = ['open', 'closed'] as const;
export type ReviewWindowStatus = (typeof REVIEW_WINDOW_STATUSES)[number];

/**
 * The whole window, both reviews included: for the reviews API, which shows each party only what double-blind
 * allows. Once closed nothing changes any more; `publishedAt` says whether anything was published.
 */
export interface ReviewWindowState {
  bookingId: string;
  listingId: string;
  guestId: string;
  hostId: string;
  status: ReviewWindowStatus;
  opensAt: string;
  closesAt: string;
  guestReview?: Submitted<GuestReview>;
  hostReview?: Submitted<HostReview>;
  publishedAt?: string;
  reminders: Array<{ side: ReviewSide; at: string }>;
}

/** What a party gets back for a review: it is held, unseen by the other side, until the window publishes. */
export interface SubmissionReceipt {
  side: ReviewSide;
  submittedAt: string;
  closesAt: string;
  /** True when this review completed the pair, so both publish now. */
  publishing: boolean;
}

export const submitGuestReviewUpdate = defineUpdate<SubmissionReceipt, [Submission<GuestReview>]>(
  'submitGuestReview',
);
export const submitHostReviewUpdate = defineUpdate<SubmissionReceipt, [Submission<HostReview>]>(
  'submitHostReview',
);
export const reviewWindowStateQuery = defineQuery<ReviewWindowState>('reviewWindowState');

/** What the publishing activity writes: the window's parties and whichever reviews were written. */
export interface ReviewPublication {
  bookingId: string;
  listingId: string;
  guestId: string;
  hostId: string;
  publishedAt: string;
  guestReview?: Submitted<GuestReview>;
  hostReview?: Submitted<HostReview>;
}

export interface ReviewReminder {
  bookingId: string;
  listingId: string;
  side: ReviewSide;
  /** Who is reminded: the guest or the host of the booking. */
  recipientId: string;
  closesAt: string;
  /** When this reminder was due: with the booking and side, what makes sending it idempotent. */
  dueAt: string;
}

/** Business failures: non-retryable rejections of a submission. */
export const ReviewFailureType = {
  NOT_A_PARTY: 'NotAParty',
  ALREADY_REVIEWED: 'AlreadyReviewed',
  WINDOW_CLOSED: 'WindowClosed',
  INVALID_REVIEW: 'InvalidReview',
} as const;
export type ReviewFailureType = (typeof ReviewFailureType)[keyof typeof ReviewFailureType];
