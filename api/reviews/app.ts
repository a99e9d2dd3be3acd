import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request } from 'express';
import { z } from 'zod';
import { REVIEW_EVENTS } from '@kvartirnsk/activities/reviews/activities';
import {
  ratingId,
  type RatingSubject,
  type ReviewDocument,
  type ReviewModels,
} from '@kvartirnsk/activities/reviews/models';
import { refreshRatings, REVIEWS_EVENT_SOURCE } from '@kvartirnsk/activities/reviews/ratings';
import { domainEvent } from '@kvartirnsk/lib/events';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { forbidden, requireActor, requireAnyRole } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { pushEvents } from '@kvartirnsk/lib/mongo-outbox';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { badRequest, notFound, ProblemError, problemType } from '@kvartirnsk/lib/problem';
import { pageCursor } from '@kvartirnsk/lib/page-cursor';
import { callWithinDeadline } from '@kvartirnsk/lib/temporal';
import { withoutNul } from '@kvartirnsk/lib/text';
import {
  ReviewFailureType,
  reviewWindowStateQuery,
  reviewWindowWorkflowId,
  submitGuestReviewUpdate,
  submitHostReviewUpdate,
  type ReviewSide,
  type ReviewWindowState,
  type SubmissionReceipt,
} from '@kvartirnsk/workflows/reviews/contract';
import { guestReviewSchema, hostReviewSchema } from '@kvartirnsk/workflows/reviews/review-schemas';
import {
  bookingReviewsSchema,
  reviewPageSchema,
  reviewsComponents,
  reviewSchema,
  submissionReceiptSchema,
} from './openapi';

/** How long a call into a review window may wait for a worker before we say the service is degraded. */
const WORKFLOW_DEADLINE_MS = 10_000;
const PAGE_SIZE = 20;

const key = withoutNul(z.string().trim().min(1).max(100));
const bookingParams = z.object({ bookingId: key }).strict();
const reviewParams = z.object({ id: key }).strict();
const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(PAGE_SIZE),
    /** Opaque: the publication time and id of the last review of the previous page. */
    cursor: z.string().max(200).optional(),
  })
  .strict();
const replyBody = z.object({ text: withoutNul(z.string().trim().min(1).max(2000)) }).strict();
const hideBody = z.object({ reason: withoutNul(z.string().trim().min(1).max(500)) }).strict();

const submitRoute = (side: ReviewSide, body: typeof guestReviewSchema | typeof hostReviewSchema) =>
  defineRoute({
    method: 'post',
    path: `/reviews/bookings/:bookingId/${side}`,
    operationId: `submit${side === 'guest' ? 'Guest' : 'Host'}Review`,
    summary:
      side === 'guest'
        ? "The guest's review of the stay (once, while the window is open)"
        : "The host's review of the guest (once, while the window is open)",
    description:
      'Held unseen by the other side until both have written or the window closes; then both publish at once ' +
      'and can no longer change.',
    security: 'bearer',
    params: bookingParams,
    body,
    responses: { 201: submissionReceiptSchema },
    problems: [403, 409, 503],
  });

// Handlers validate with these declarations, and the service's OpenAPI document is written from them.
export const reviewsRoutes = {
  submitGuest: submitRoute('guest', guestReviewSchema),
  submitHost: submitRoute('host', hostReviewSchema),
  booking: defineRoute({
    method: 'get',
    path: '/reviews/bookings/:bookingId',
    operationId: 'getBookingReviews',
    summary: "A booking's reviews as one of its parties may see them",
    security: 'bearer',
    params: bookingParams,
    responses: { 200: bookingReviewsSchema },
    problems: [404, 503],
  }),
  listing: defineRoute({
    method: 'get',
    path: '/reviews/listings/:listingId',
    operationId: 'listListingReviews',
    summary: "A listing's published guest reviews, newest first, with its rating",
    security: 'anonymous',
    params: z.object({ listingId: key }).strict(),
    query: pageQuery,
    responses: { 200: reviewPageSchema },
  }),
  user: defineRoute({
    method: 'get',
    path: '/reviews/users/:userId',
    operationId: 'listUserReviews',
    summary: "Hosts' published reviews of a guest, newest first, with the guest's rating",
    security: 'anonymous',
    params: z.object({ userId: key }).strict(),
    query: pageQuery,
    responses: { 200: reviewPageSchema },
  }),
  reply: defineRoute({
    method: 'post',
    path: '/reviews/:id/reply',
    operationId: 'replyToReview',
    summary: "The listing's host answers a guest review, once and publicly",
    security: 'bearer',
    params: reviewParams,
    body: replyBody,
    responses: { 201: reviewSchema },
    problems: [403, 404, 409],
  }),
  hide: defineRoute({
    method: 'post',
    path: '/reviews/:id/hide',
    operationId: 'hideReview',
    summary: 'Hide a review that breaks the rules (admin; who, when and why are kept)',
    security: 'bearer',
    params: reviewParams,
    body: hideBody,
    responses: { 200: reviewSchema },
    problems: [403, 404, 409],
  }),
};

export interface ReviewsAppDeps {
  models: ReviewModels;
  temporal: Client;
  logger: Logger;
  /** Called after a write that carries events, so the outbox relay sends them at once. */
  onEventsWritten?: () => void;
}

const problem = (status: number, slug: string, title: string, detail: string) =>
  new ProblemError({ type: problemType(slug), title, status, detail });

const noReviewWindow = (bookingId: string) =>
  problem(
    403,
    'no-review-window',
    'No review window',
    `Booking ${bookingId} has no review window: only the parties of a completed stay can review it`,
  );
const windowClosed = (closesAt?: string) =>
  problem(
    409,
    'review-window-closed',
    'Review window closed',
    `The review window closed${closesAt ? ` at ${closesAt}` : ''}; reviews can no longer be written or changed`,
  );
const alreadyReviewed = (side: ReviewSide) =>
  problem(
    409,
    'already-reviewed',
    'Already reviewed',
    `The ${side} has already written a review of this stay`,
  );

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) return cause;
  }
  return undefined;
}

type ReviewView = z.infer<typeof reviewSchema>;

function viewOf(document: ReviewDocument, { withAudit = false } = {}): ReviewView {
  return {
    id: document._id,
    bookingId: document.bookingId,
    listingId: document.listingId,
    side: document.side,
    authorId: document.authorId,
    rating: document.rating,
    ...(document.categories ? { categories: document.categories as ReviewView['categories'] } : {}),
    text: document.text,
    submittedAt: document.submittedAt.toISOString(),
    publishedAt: document.publishedAt.toISOString(),
    ...(document.reply?.text
      ? {
          reply: {
            text: document.reply.text,
            authorId: document.reply.authorId ?? '',
            at: (document.reply.at ?? document.publishedAt).toISOString(),
          },
        }
      : {}),
    ...(withAudit && document.hidden?.by
      ? {
          hidden: {
            by: document.hidden.by,
            at: (document.hidden.at ?? new Date(0)).toISOString(),
            reason: document.hidden.reason ?? '',
          },
        }
      : {}),
  };
}

/** A review still held in its window: what its author wrote, not yet public. */
function heldViewOf(state: ReviewWindowState, side: ReviewSide): ReviewView | undefined {
  const base = {
    id: `${state.bookingId}-${side}`,
    bookingId: state.bookingId,
    listingId: state.listingId,
    side,
    authorId: side === 'guest' ? state.guestId : state.hostId,
  };
  if (side === 'guest' && state.guestReview) {
    const { overall, categories, text, submittedAt } = state.guestReview;
    return { ...base, rating: overall, categories, text, submittedAt };
  }
  if (side === 'host' && state.hostReview) {
    const { rating, text, submittedAt } = state.hostReview;
    return { ...base, rating, text, submittedAt };
  }
  return undefined;
}

const pages = pageCursor(z.object({ publishedAt: z.iso.datetime(), id: z.string() }));

export function createReviewsApp({ models, temporal, logger, onEventsWritten }: ReviewsAppDeps) {
  const { Review, Rating } = models;
  const callWorkers = <T>(call: () => Promise<T>) =>
    callWithinDeadline(
      temporal,
      {
        deadlineMs: WORKFLOW_DEADLINE_MS,
        unavailable: 'Review workers are not answering; try again shortly',
      },
      call,
    );

  /** The booking's review window as its workflow holds it, or undefined if the stay opened none. */
  async function windowOf(bookingId: string): Promise<ReviewWindowState | undefined> {
    try {
      return await callWorkers(() =>
        temporal.workflow.getHandle(reviewWindowWorkflowId(bookingId)).query(reviewWindowStateQuery),
      );
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  async function ratingOf(subject: RatingSubject, subjectId: string) {
    const rating = await Rating.findById(ratingId(subject, subjectId)).lean();
    if (!rating) return { count: 0, average: null };
    return {
      count: rating.count,
      average: rating.average ?? null,
      ...(rating.categories ? { categories: rating.categories } : {}),
    };
  }

  /** One page of visible published reviews, newest first. */
  async function pageOf(filter: Record<string, unknown>, query: z.infer<typeof pageQuery>) {
    const after = query.cursor ? pages.decode(query.cursor) : undefined;
    const conditions: Record<string, unknown>[] = [{ ...filter, hidden: { $exists: false } }];
    if (after) {
      const at = new Date(after.publishedAt);
      conditions.push({ $or: [{ publishedAt: { $lt: at } }, { publishedAt: at, _id: { $lt: after.id } }] });
    }
    const documents = await Review.find({ $and: conditions })
      .sort({ publishedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean<ReviewDocument[]>();
    const page = documents.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((document) => viewOf(document)),
      nextCursor:
        documents.length > query.limit && last
          ? pages.encode({ publishedAt: last.publishedAt.toISOString(), id: last._id })
          : undefined,
    };
  }

  async function submit(req: Request, side: ReviewSide): Promise<SubmissionReceipt> {
    const actor = requireActor(req);
    const route = side === 'guest' ? reviewsRoutes.submitGuest : reviewsRoutes.submitHost;
    const { bookingId } = route.params(req);
    const review = route.body(req);
    const state = await windowOf(bookingId);
    if (!state) throw noReviewWindow(bookingId);
    if (actor.userId !== (side === 'guest' ? state.guestId : state.hostId)) {
      throw forbidden(`Only the ${side} of this booking can write the ${side}'s review`);
    }
    if (state.status !== 'open') throw windowClosed(state.closesAt);
    if ((side === 'guest' ? state.guestReview : state.hostReview) !== undefined) throw alreadyReviewed(side);
    const handle = temporal.workflow.getHandle(reviewWindowWorkflowId(bookingId));
    try {
      return await callWorkers(() =>
        side === 'guest'
          ? handle.executeUpdate(submitGuestReviewUpdate, {
              args: [{ authorId: actor.userId, review: review as z.infer<typeof guestReviewSchema> }],
            })
          : handle.executeUpdate(submitHostReviewUpdate, {
              args: [{ authorId: actor.userId, review: review as z.infer<typeof hostReviewSchema> }],
            }),
      );
    } catch (err) {
      // The window may have closed, or the other request of a double click won, since the state was read.
      if (err instanceof WorkflowNotFoundError) throw windowClosed();
      const failure = err instanceof WorkflowUpdateFailedError ? applicationFailureOf(err) : undefined;
      switch (failure?.type) {
        case ReviewFailureType.ALREADY_REVIEWED:
          throw alreadyReviewed(side);
        case ReviewFailureType.WINDOW_CLOSED:
          throw windowClosed(state.closesAt);
        case ReviewFailureType.NOT_A_PARTY:
          throw forbidden(failure.message);
        case ReviewFailureType.INVALID_REVIEW:
          throw badRequest(failure.message);
      }
      throw err;
    }
  }

  return createServiceApp({
    logger,
    readiness: async () => {
      await Review.findOne({}, { _id: 1 }).lean();
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk reviews', version: '1' },
        schemas: reviewsComponents,
      });
      api.serve(app, '/reviews/openapi.json');

      api.mount(app, reviewsRoutes.submitGuest, async (req, res) => {
        res.status(201).json(await submit(req, 'guest'));
      });
      api.mount(app, reviewsRoutes.submitHost, async (req, res) => {
        res.status(201).json(await submit(req, 'host'));
      });

      api.mount(app, reviewsRoutes.booking, async (req, res) => {
        const actor = requireActor(req);
        const { bookingId } = reviewsRoutes.booking.params(req);
        const state = await windowOf(bookingId);
        const side: ReviewSide | undefined =
          state?.guestId === actor.userId ? 'guest' : state?.hostId === actor.userId ? 'host' : undefined;
        // Anyone else learns nothing, not even that the booking exists.
        if (!state || !side) throw notFound(`No reviews of booking ${bookingId} for you`);
        const other: ReviewSide = side === 'guest' ? 'host' : 'guest';
        const published = state.publishedAt
          ? await Review.find({ bookingId, hidden: { $exists: false } }).lean<ReviewDocument[]>()
          : [];
        const publishedBy = (s: ReviewSide) => published.find((document) => document.side === s);
        const yoursPublished = publishedBy(side);
        const theirsPublished = publishedBy(other);
        res.json({
          bookingId,
          listingId: state.listingId,
          status: state.status,
          closesAt: state.closesAt,
          publishedAt: state.publishedAt,
          side,
          yours: yoursPublished ? viewOf(yoursPublished) : heldViewOf(state, side),
          theirs: theirsPublished ? viewOf(theirsPublished) : undefined,
          theirsWritten: heldViewOf(state, other) !== undefined,
        });
      });

      api.mount(app, reviewsRoutes.listing, async (req, res) => {
        const { listingId } = reviewsRoutes.listing.params(req);
        const query = reviewsRoutes.listing.query(req);
        const [page, rating] = await Promise.all([
          pageOf({ listingId, side: 'guest' }, query),
          ratingOf('listing', listingId),
        ]);
        res.json({ ...page, rating });
      });

      api.mount(app, reviewsRoutes.user, async (req, res) => {
        const { userId } = reviewsRoutes.user.params(req);
        const query = reviewsRoutes.user.query(req);
        const [page, rating] = await Promise.all([
          pageOf({ guestId: userId, side: 'host' }, query),
          ratingOf('guest', userId),
        ]);
        res.json({ ...page, rating });
      });

      api.mount(app, reviewsRoutes.reply, async (req, res) => {
        const actor = requireActor(req);
        const { id } = reviewsRoutes.reply.params(req);
        const { text } = reviewsRoutes.reply.body(req);
        const review = await Review.findOne({ _id: id, hidden: { $exists: false } }).lean<ReviewDocument>();
        if (!review || review.side !== 'guest') throw notFound(`No guest review ${id}`);
        if (review.hostId !== actor.userId)
          throw forbidden("Only the listing's host can reply to its reviews");
        const replied = await Review.findOneAndUpdate(
          { _id: id, reply: { $exists: false } },
          { $set: { reply: { text, authorId: actor.userId, at: new Date() } } },
          { returnDocument: 'after' },
        ).lean<ReviewDocument>();
        if (!replied) {
          throw problem(
            409,
            'already-replied',
            'Already replied',
            'The host has already replied to this review',
          );
        }
        res.status(201).json(viewOf(replied));
      });

      api.mount(app, reviewsRoutes.hide, async (req, res) => {
        const admin = requireAnyRole(req, 'admin');
        const { id } = reviewsRoutes.hide.params(req);
        const { reason } = reviewsRoutes.hide.body(req);
        const review = await Review.findById(id).lean<ReviewDocument>();
        if (!review) throw notFound(`No review ${id}`);
        const hidden = await Review.findOneAndUpdate(
          { _id: id, hidden: { $exists: false } },
          {
            $set: { hidden: { by: admin.userId, at: new Date(), reason } },
            ...pushEvents(
              domainEvent(REVIEWS_EVENT_SOURCE, REVIEW_EVENTS.hidden, {
                reviewId: id,
                listingId: review.listingId,
                side: review.side,
                reason,
              }),
            ),
          },
          { returnDocument: 'after' },
        ).lean<ReviewDocument>();
        if (!hidden) throw problem(409, 'already-hidden', 'Already hidden', 'This review is already hidden');
        // A hidden review no longer counts: the ratings it was part of are recomputed (and announced).
        await refreshRatings(models, review, {
          guestReview: review.side === 'guest',
          hostReview: review.side === 'host',
        });
        onEventsWritten?.();
        res.json(viewOf(hidden, { withAudit: true }));
      });
    },
  });
}
