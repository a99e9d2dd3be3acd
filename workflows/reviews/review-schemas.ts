import { z } from 'zod';
import { withoutNul } from '@kvartirnsk/lib/text';
import { MAX_REVIEW_TEXT } from './contract';

// Kept apart from ./contract, which the booking flow imports: workflow code evaluates its imports for every
// workflow it starts, and zod's are not cheap.

const stars = z.number().int('must be a whole number of stars').min(1).max(5);
const reviewText = withoutNul(z.string().trim().min(1).max(MAX_REVIEW_TEXT));

/** What a guest rates besides the stay overall. */
export const guestCategoriesSchema = z
  .object({
    cleanliness: stars,
    accuracy: stars,
    location: stars,
    communication: stars,
    checkIn: stars,
    value: stars,
  })
  .strict();
export const GUEST_RATING_CATEGORIES = guestCategoriesSchema.keyof().options;
export type GuestRatingCategory = (typeof GUEST_RATING_CATEGORIES)[number];

// The same schemas validate the API's request bodies and, inside the workflow, each Update before it is
// accepted, so a review that reaches the history is always well formed.
export const guestReviewSchema = z
  .object({ overall: stars, categories: guestCategoriesSchema, text: reviewText })
  .strict();
export type GuestReview = z.infer<typeof guestReviewSchema>;

export const hostReviewSchema = z.object({ rating: stars, text: reviewText }).strict();
export type HostReview = z.infer<typeof hostReviewSchema>;
