import { domainEvent } from '@kvartirnsk/lib/events';
import type { ReviewPublication, ReviewReminder } from '@kvartirnsk/workflows/reviews/contract';
import { isDuplicateKey } from '@kvartirnsk/lib/mongo';
import { reviewId, type ReviewModels } from './models';
import { refreshRatings, REVIEWS_EVENT_SOURCE } from './ratings';

export const REVIEW_EVENTS = {
  /** A review became public: data is { reviewId, bookingId, listingId, side, authorId, subjectId, rating }. */
  published: 'review.published',
  /** A side has not written yet and the window closes soon: data is a ReviewReminder. */
  reminder: 'review.reminder',
  /** An admin hid a published review: data is { reviewId, listingId, reason }. */
  hidden: 'review.hidden',
} as const;

export interface ReviewActivityDeps {
  models: ReviewModels;
}

/** Creates the document unless it exists: a retried activity writes it, and its events, once. */
async function createOnce<T>(create: () => Promise<T>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

export function createReviewActivities({ models }: ReviewActivityDeps) {
  const { Review, Reminder } = models;
  return {
    /**
     * Makes the window's reviews public at once, each with its `review.published` event in the same write,
     * then recomputes the ratings they count towards (which emit `listing.rating_updated`).
     */
    async publishReviews(publication: ReviewPublication): Promise<void> {
      const { bookingId, listingId, guestId, hostId } = publication;
      const publishedAt = new Date(publication.publishedAt);
      const parties = { bookingId, listingId, guestId, hostId, publishedAt };
      const reviews = [
        publication.guestReview && {
          side: 'guest' as const,
          authorId: guestId,
          subjectId: listingId,
          rating: publication.guestReview.overall,
          categories: publication.guestReview.categories,
          text: publication.guestReview.text,
          submittedAt: new Date(publication.guestReview.submittedAt),
        },
        publication.hostReview && {
          side: 'host' as const,
          authorId: hostId,
          subjectId: guestId,
          rating: publication.hostReview.rating,
          text: publication.hostReview.text,
          submittedAt: new Date(publication.hostReview.submittedAt),
        },
      ].filter((review) => review !== undefined);
      for (const { subjectId, ...review } of reviews) {
        const _id = reviewId(bookingId, review.side);
        const event = domainEvent(
          REVIEWS_EVENT_SOURCE,
          REVIEW_EVENTS.published,
          {
            reviewId: _id,
            bookingId,
            listingId,
            side: review.side,
            authorId: review.authorId,
            subjectId,
            rating: review.rating,
            publishedAt: publication.publishedAt,
          },
          1,
          publishedAt,
        );
        await createOnce(() => Review.create({ _id, ...parties, ...review, pendingEvents: [event] }));
      }
      await refreshRatings(models, publication, {
        guestReview: publication.guestReview !== undefined,
        hostReview: publication.hostReview !== undefined,
      });
    },

    /** Emits `review.reminder` for a side that has not written; notifications turn it into a message. */
    async remindReviewer(reminder: ReviewReminder): Promise<void> {
      const _id = `${reviewId(reminder.bookingId, reminder.side)}-${reminder.dueAt}`;
      const event = domainEvent(REVIEWS_EVENT_SOURCE, REVIEW_EVENTS.reminder, { ...reminder });
      await createOnce(() =>
        Reminder.create({
          _id,
          bookingId: reminder.bookingId,
          side: reminder.side,
          recipientId: reminder.recipientId,
          dueAt: new Date(reminder.dueAt),
          pendingEvents: [event],
        }),
      );
    },
  };
}
