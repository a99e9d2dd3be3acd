import { domainEvent, type DomainEvent } from '@kvartirnsk/lib/events';
import { LISTING_EVENTS, listingRatingSchema } from '@kvartirnsk/lib/listing-events';
import { pushEvents } from '@kvartirnsk/lib/mongo-outbox';
import {
  GUEST_RATING_CATEGORIES,
  type GuestRatingCategory,
} from '@kvartirnsk/workflows/reviews/review-schemas';
import { isDuplicateKey } from '@kvartirnsk/lib/mongo';
import { ratingId, type RatingSubject, type ReviewModels } from './models';

export const REVIEWS_EVENT_SOURCE = 'reviews';

export interface RatingSummary {
  count: number;
  /** Rounded to 2 decimals; null while there is no visible review. */
  average: number | null;
  categories?: Record<GuestRatingCategory, number>;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Who a rating is about, and which visible reviews make it up. */
function reviewsOf(subject: RatingSubject, subjectId: string): Record<string, unknown> {
  const visible = { hidden: { $exists: false } };
  if (subject === 'listing') return { listingId: subjectId, side: 'guest', ...visible };
  if (subject === 'host') return { hostId: subjectId, side: 'guest', ...visible };
  return { guestId: subjectId, side: 'host', ...visible };
}

/** The rating of a listing, a host (from guests' reviews) or a guest (from hosts' reviews), from the reviews. */
export async function computeRating(
  { Review }: Pick<ReviewModels, 'Review'>,
  subject: RatingSubject,
  subjectId: string,
): Promise<RatingSummary> {
  const withCategories = subject !== 'guest';
  // Summed here rather than by $group: FerretDB 1.x has no $avg, and its $sum over fields answers 0.
  const reviews = await Review.find(reviewsOf(subject, subjectId), { rating: 1, categories: 1 }).lean();
  const count = reviews.length;
  if (count === 0) return { count: 0, average: null };
  const mean = (value: (review: (typeof reviews)[number]) => number | null | undefined) =>
    round2(reviews.reduce((sum, review) => sum + (value(review) ?? 0), 0) / count);
  return {
    count,
    average: mean((review) => review.rating),
    ...(withCategories
      ? {
          categories: Object.fromEntries(
            GUEST_RATING_CATEGORIES.map((c) => [c, mean((review) => review.categories?.[c])]),
          ) as Record<GuestRatingCategory, number>,
        }
      : {}),
  };
}

/**
 * Recomputes one rating and stores it with the events it causes in one single-document write. Reading the
 * revision before the reviews, and writing only if it is unchanged, means the last write always saw every
 * review published before it; a lost race just recomputes.
 */
async function refreshRating(
  models: ReviewModels,
  subject: RatingSubject,
  subjectId: string,
  eventsFor: (summary: RatingSummary) => DomainEvent[],
): Promise<RatingSummary> {
  const { Rating } = models;
  const _id = ratingId(subject, subjectId);
  for (;;) {
    const current = await Rating.findById(_id, { revision: 1, count: 1, average: 1 }).lean();
    const summary = await computeRating(models, subject, subjectId);
    const unchanged = current?.count === summary.count && current.average === summary.average;
    const events = unchanged ? [] : eventsFor(summary);
    const fields = { subject, subjectId, ...summary, updatedAt: new Date() };
    if (!current) {
      try {
        await Rating.create({ _id, ...fields, revision: 1, pendingEvents: events });
        return summary;
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
    }
    const written = await Rating.findOneAndUpdate(
      { _id, revision: current.revision },
      {
        $set: { ...fields, revision: current.revision + 1 },
        ...(events.length ? pushEvents(...events) : {}),
      },
    );
    if (written) return summary;
  }
}

/** After a guest review published or was hidden: the listing's and its host's ratings; after a host's, the guest's. */
export async function refreshRatings(
  models: ReviewModels,
  parties: { listingId: string; hostId: string; guestId: string },
  changed: { guestReview: boolean; hostReview: boolean },
): Promise<void> {
  if (changed.guestReview) {
    await refreshRating(models, 'listing', parties.listingId, (summary) =>
      summary.average === null
        ? []
        : [
            domainEvent(
              REVIEWS_EVENT_SOURCE,
              LISTING_EVENTS.ratingUpdated,
              listingRatingSchema.parse({
                listingId: parties.listingId,
                hostId: parties.hostId,
                average: summary.average,
                count: summary.count,
              }),
            ),
          ],
    );
    await refreshRating(models, 'host', parties.hostId, () => []);
  }
  if (changed.hostReview) await refreshRating(models, 'guest', parties.guestId, () => []);
}
