import { type Connection, type InferSchemaType, type Model, Schema } from 'mongoose';
import { pendingEventsDefinition, type WithPendingEvents } from '@kvartirnsk/lib/mongo-outbox';
import type { ReviewSide } from '@kvartirnsk/workflows/reviews/contract';

/** Published reviews are keyed by booking and side, so publishing twice (a retried activity) writes once. */
export function reviewId(bookingId: string, side: ReviewSide): string {
  return `${bookingId}-${side}`;
}

// Nested documents are plain values here, without ids of their own.
const categoriesSchema = new Schema(
  {
    cleanliness: Number,
    accuracy: Number,
    location: Number,
    communication: Number,
    checkIn: Number,
    value: Number,
  },
  { _id: false },
);
const replySchema = new Schema({ text: String, authorId: String, at: Date }, { _id: false });
const moderationSchema = new Schema({ by: String, at: Date, reason: String }, { _id: false });

const reviewSchema = new Schema(
  {
    _id: { type: String, required: true },
    bookingId: { type: String, required: true },
    listingId: { type: String, required: true },
    guestId: { type: String, required: true },
    hostId: { type: String, required: true },
    /** guest: the guest about the stay (and so the listing); host: the host about the guest. */
    side: { type: String, enum: ['guest', 'host'], required: true },
    authorId: { type: String, required: true },
    /** The overall stars (guest) or the rating of the guest (host), 1–5. */
    rating: { type: Number, required: true },
    /** Guest reviews only. */
    categories: { type: categoriesSchema, default: undefined },
    text: { type: String, required: true },
    submittedAt: { type: Date, required: true },
    publishedAt: { type: Date, required: true },
    /** The listing's host may answer a guest review once, publicly. */
    reply: { type: replySchema, default: undefined },
    /** Set when an admin hid the review for breaking the rules: who, when and why, kept as the audit trail. */
    hidden: { type: moderationSchema, default: undefined },
    pendingEvents: pendingEventsDefinition,
  },
  { versionKey: false },
);
reviewSchema.index({ listingId: 1, side: 1, publishedAt: -1 });
reviewSchema.index({ hostId: 1, side: 1 });
reviewSchema.index({ guestId: 1, side: 1, publishedAt: -1 });

export type ReviewDocument = InferSchemaType<typeof reviewSchema> & WithPendingEvents;

export const RATING_SUBJECTS = ['listing', 'host', 'guest'] as const;
export type RatingSubject = (typeof RATING_SUBJECTS)[number];

export function ratingId(subject: RatingSubject, subjectId: string): string {
  return `${subject}:${subjectId}`;
}

/**
 * A rating recomputed from the visible published reviews whenever one publishes or is hidden. `revision`
 * guards the write, so two publications recomputing at once never leave an older figure behind.
 */
const ratingSchema = new Schema(
  {
    _id: { type: String, required: true },
    subject: { type: String, enum: RATING_SUBJECTS, required: true },
    subjectId: { type: String, required: true },
    count: { type: Number, required: true },
    /** Rounded to 2 decimals; null while there is no visible review. */
    average: { type: Number, default: null },
    categories: { type: categoriesSchema, default: undefined },
    revision: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    pendingEvents: pendingEventsDefinition,
  },
  { versionKey: false },
);

export type RatingDocument = InferSchemaType<typeof ratingSchema> & WithPendingEvents;

/** A reminder sent to a side that has not written yet: the document carries its event to the outbox relay. */
const reminderSchema = new Schema(
  {
    _id: { type: String, required: true },
    bookingId: { type: String, required: true },
    side: { type: String, enum: ['guest', 'host'], required: true },
    recipientId: { type: String, required: true },
    dueAt: { type: Date, required: true },
    pendingEvents: pendingEventsDefinition,
  },
  { versionKey: false },
);

export type ReminderDocument = InferSchemaType<typeof reminderSchema> & WithPendingEvents;

export interface ReviewModels {
  Review: Model<ReviewDocument>;
  Rating: Model<RatingDocument>;
  Reminder: Model<ReminderDocument>;
}

/** The reviews database's collections on one connection; every model carries outbox events. */
export function reviewModels(connection: Connection): ReviewModels {
  return {
    Review: connection.model('Review', reviewSchema) as unknown as Model<ReviewDocument>,
    Rating: connection.model('Rating', ratingSchema) as unknown as Model<RatingDocument>,
    Reminder: connection.model('Reminder', reminderSchema) as unknown as Model<ReminderDocument>,
  };
}

/** Every collection whose documents carry outbox events, for the relay; `init` builds their indexes. */
export function outboxModels({ Review, Rating, Reminder }: ReviewModels) {
  return [Review, Rating, Reminder] as const;
}

export async function initReviewModels(models: ReviewModels): Promise<void> {
  await Promise.all(outboxModels(models).map((model) => model.init()));
}
