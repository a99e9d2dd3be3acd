import { z } from 'zod';
import { LISTING_MODERATION_STATUSES, listingFieldsSchema } from '@kvartirnsk/activities/listings/listing';
import { listingPhotoSchema, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { CHECK_NAMES } from '@kvartirnsk/workflows/moderation/contract';

// Response bodies of the listings service, as its OpenAPI document describes them (requests are in app.ts).

export const checkFailureSchema = z.object({
  check: z.enum(CHECK_NAMES),
  field: z.string(),
  message: z.string(),
});

export const moderationViewSchema = z.object({
  contentRevision: z.number().int(),
  status: z.enum(LISTING_MODERATION_STATUSES),
  /** Automated checks this revision failed; the admin sees them, and the host what to fix. */
  failures: z.array(checkFailureSchema),
  awaitingSince: z.string().optional(),
  escalated: z.boolean(),
  verdict: z
    .object({
      by: z.enum(['auto', 'admin']),
      adminId: z.string().optional(),
      reason: z.string().optional(),
      at: z.string(),
    })
    .optional(),
  /** The moderation workflow, for the link into the Temporal UI. */
  workflowId: z.string(),
  updatedAt: z.string(),
});

/** A listing as its host and admins see it: the latest draft, what guests see now, and its moderation. */
export const listingViewSchema = listingFieldsSchema.extend({
  id: z.string(),
  hostId: z.string(),
  photos: z.array(listingPhotoSchema),
  revision: z.number().int(),
  contentRevision: z.number().int(),
  published: publishedListingSchema.nullable(),
  moderation: moderationViewSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const listingPageSchema = z.object({
  items: z.array(listingViewSchema),
  /** The id to pass as `after` for the next page; null on the last one. */
  next: z.string().nullable(),
});

export const publishedPageSchema = z.object({
  items: z.array(publishedListingSchema),
  next: z.string().nullable(),
});

/** A query parameter of up to 100 listing ids, comma-separated. */
export const listingIdsQuery = z
  .string()
  .transform((value) => value.split(','))
  .pipe(z.array(z.uuid()).min(1).max(100));

export const savedListingViewSchema = z.object({
  listingId: z.uuid(),
  savedAt: z.iso.datetime(),
  /** The listing as guests see it; null while it is not published (its host took it off, or it is re-checked). */
  listing: publishedListingSchema.nullable(),
});

export const savedPageSchema = z.object({
  items: z.array(savedListingViewSchema),
  /** The cursor for the next page; null on the last one. */
  next: z.string().nullable(),
});

export const savedCountsSchema = z.object({
  /** Per listing asked for (and visible to the caller), how many users saved it. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
});

/** Guests get the published listing; its host and admins get the full view. */
export const listingReadSchema = z.union([listingViewSchema, publishedListingSchema]);

export const listingsComponents = {
  ListingView: listingViewSchema,
  PublishedListing: publishedListingSchema,
  Moderation: moderationViewSchema,
  SavedListing: savedListingViewSchema,
};
