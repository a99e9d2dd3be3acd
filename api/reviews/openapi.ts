import { z } from 'zod';
import { REVIEW_SIDES, REVIEW_WINDOW_STATUSES } from '@kvartirnsk/workflows/reviews/contract';

// Response bodies of the reviews service, as its OpenAPI document describes them (requests are in app.ts).

const categoriesSchema = z.object({
  cleanliness: z.number(),
  accuracy: z.number(),
  location: z.number(),
  communication: z.number(),
  checkIn: z.number(),
  value: z.number(),
});

export const reviewSchema = z.object({
  id: z.string(),
  bookingId: z.string(),
  listingId: z.string(),
  side: z.enum(REVIEW_SIDES),
  authorId: z.string(),
  /** Overall stars (a guest's review) or the host's rating of the guest, 1–5. */
  rating: z.number().int(),
  categories: categoriesSchema.optional(),
  text: z.string(),
  submittedAt: z.iso.datetime(),
  /** Absent while the review waits, unseen by the other side, for the window to publish. */
  publishedAt: z.iso.datetime().optional(),
  reply: z.object({ text: z.string(), authorId: z.string(), at: z.iso.datetime() }).optional(),
  /** Shown to admins: who hid the review, when and why. */
  hidden: z.object({ by: z.string(), at: z.iso.datetime(), reason: z.string() }).optional(),
});

export const ratingSchema = z.object({
  count: z.number().int(),
  /** Average stars to 2 decimals; null while nothing is published. */
  average: z.number().nullable(),
  categories: categoriesSchema.optional(),
});

export const reviewPageSchema = z.object({
  items: z.array(reviewSchema),
  rating: ratingSchema,
  /** Absent on the last page. */
  nextCursor: z.string().optional(),
});

export const bookingReviewsSchema = z.object({
  bookingId: z.string(),
  listingId: z.string(),
  status: z.enum(REVIEW_WINDOW_STATUSES),
  closesAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().optional(),
  /** The caller's side of the booking. */
  side: z.enum(REVIEW_SIDES),
  yours: reviewSchema.optional(),
  /** The other side's review, only once published (double-blind). */
  theirs: reviewSchema.optional(),
  /** Whether the other side has written, without what they wrote. */
  theirsWritten: z.boolean(),
});

export const submissionReceiptSchema = z.object({
  side: z.enum(REVIEW_SIDES),
  submittedAt: z.iso.datetime(),
  closesAt: z.iso.datetime(),
  /** True when this review completed the pair, so both publish now. */
  publishing: z.boolean(),
});

export const reviewsComponents = {
  Review: reviewSchema,
  Rating: ratingSchema,
};
