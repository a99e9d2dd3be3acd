import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { LISTING_EVENTS, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { pushEvents } from '@kvartirnsk/lib/mongo-outbox';
import { moderationWorkflowId } from '@kvartirnsk/workflows/moderation/contract';
import {
  isMaterialChange,
  type ListingDocument,
  listingEvent,
  type ListingField,
  type ListingFields,
  type ListingModel,
  type ListingPhoto,
  type ModerationRecord,
  type PriceRange,
} from './listing';

/** How often a change is retried when another write to the same listing got in first. */
const MAX_ATTEMPTS = 5;

export class ListingChangedConcurrently extends Error {
  override readonly name = 'ListingChangedConcurrently';
}

export interface ListingStoreDeps {
  Listing: ListingModel;
  nightlyPriceRange: PriceRange;
}

/** A content revision that needs its moderation workflow started (and the previous one told to stop). */
export interface ModerationToStart {
  listingId: string;
  hostId: string;
  contentRevision: number;
  previousWorkflowId?: string;
}

export interface ChangeResult {
  listing: ListingDocument;
  moderation?: ModerationToStart;
}

export interface DraftChange {
  draft?: ListingFields;
  photos?: ListingPhoto[];
}

function freshModeration(listingId: string, contentRevision: number, now: Date): ModerationRecord {
  return {
    contentRevision,
    workflowId: moderationWorkflowId(listingId, contentRevision),
    status: 'checking',
    failures: [],
    escalated: false,
    updatedAt: now.toISOString(),
  };
}

/**
 * The listings service's writes. Each is one single-document write (FerretDB has no multi-document
 * transactions) that carries its events in the document's outbox, and is conditional on the revision it was
 * computed from, so concurrent edits never overwrite each other silently.
 */
export function createListingStore({ Listing, nightlyPriceRange }: ListingStoreDeps) {
  async function create(
    hostId: string,
    fields: ListingFields,
    photos: ListingPhoto[] = [],
  ): Promise<ChangeResult> {
    const id = randomUUID();
    const listing = await Listing.create({
      _id: id,
      hostId,
      draft: fields,
      photos,
      revision: 1,
      contentRevision: 1,
      published: null,
      moderation: freshModeration(id, 1, new Date()),
      pendingEvents: [],
    });
    return {
      listing: listing.toObject(),
      moderation: { listingId: id, hostId, contentRevision: 1 },
    };
  }

  /**
   * Applies a change computed (and validated) from the listing's current state. A material change starts a new content
   * revision (to be moderated; what guests see stays as it was); a calendar or terms change of a published
   * listing reaches guests at once as `listing.updated`.
   */
  async function change(
    id: string,
    compute: (listing: ListingDocument) => DraftChange,
  ): Promise<ChangeResult | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const listing = await Listing.findById(id).lean<ListingDocument>();
      if (!listing) return undefined;
      const next = compute(listing);
      const draft = next.draft ?? listing.draft;
      const photos = next.photos ?? listing.photos;
      const changed = (Object.keys(draft) as ListingField[]).filter(
        (field) => !isDeepStrictEqual(draft[field], listing.draft[field]),
      );
      const photosChanged = !isDeepStrictEqual(photos, listing.photos);
      if (changed.length === 0 && !photosChanged) return { listing };

      const now = new Date();
      const revision = listing.revision + 1;
      const material = photosChanged || isMaterialChange(changed, draft, nightlyPriceRange);
      const set: Partial<ListingDocument> = { draft, photos, revision };
      const events = [];
      if (material) {
        set.contentRevision = listing.contentRevision + 1;
        set.moderation = freshModeration(id, set.contentRevision, now);
      } else if (listing.published) {
        // Only the changed terms reach guests: content still under moderation stays out of the snapshot.
        const terms = Object.fromEntries(changed.map((field) => [field, draft[field]]));
        set.published = publishedListingSchema.parse({
          ...listing.published,
          ...terms,
          revision,
          publishedAt: now.toISOString(),
        });
        events.push(listingEvent(LISTING_EVENTS.updated, set.published, now));
      }
      const result = await Listing.updateOne(
        { _id: id, revision: listing.revision },
        { $set: set, ...(events.length > 0 ? pushEvents(...events) : {}) },
      );
      if (result.matchedCount === 0) continue;
      const updated = { ...listing, ...set, updatedAt: now };
      return {
        listing: updated,
        moderation: set.contentRevision
          ? {
              listingId: id,
              hostId: listing.hostId,
              contentRevision: set.contentRevision,
              previousWorkflowId: listing.moderation.workflowId,
            }
          : undefined,
      };
    }
    throw new ListingChangedConcurrently(`Listing ${id} kept changing; try again`);
  }

  /**
   * Takes a published listing out of search (`listing.unpublished`). Its content revision moves on, so a
   * moderation still running for it cannot publish it again; a resubmission (`resubmit`) brings it back.
   */
  async function unpublish(id: string, reason: string): Promise<ChangeResult | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const listing = await Listing.findById(id).lean<ListingDocument>();
      if (!listing) return undefined;
      if (!listing.published) return { listing };
      const now = new Date();
      const contentRevision = listing.contentRevision + 1;
      const set: Partial<ListingDocument> = {
        published: null,
        revision: listing.revision + 1,
        contentRevision,
        moderation: { ...freshModeration(id, contentRevision, now), status: 'withdrawn' },
      };
      const event = listingEvent(LISTING_EVENTS.unpublished, { listingId: id, reason }, now);
      const result = await Listing.updateOne(
        { _id: id, revision: listing.revision },
        { $set: set, ...pushEvents(event) },
      );
      if (result.matchedCount === 1) return { listing: { ...listing, ...set, updatedAt: now } };
    }
    throw new ListingChangedConcurrently(`Listing ${id} kept changing; try again`);
  }

  /** Puts a withdrawn listing's latest revision back into moderation; undefined if it is not withdrawn. */
  async function resubmit(listing: ListingDocument): Promise<ChangeResult | undefined> {
    const now = new Date();
    const updated = await Listing.findOneAndUpdate(
      { _id: listing._id, contentRevision: listing.contentRevision, 'moderation.status': 'withdrawn' },
      { $set: { 'moderation.status': 'checking', 'moderation.updatedAt': now.toISOString() } },
      { returnDocument: 'after' },
    ).lean<ListingDocument>();
    if (!updated) return undefined;
    return {
      listing: updated,
      moderation: {
        listingId: updated._id,
        hostId: updated.hostId,
        contentRevision: updated.contentRevision,
      },
    };
  }

  return { create, change, unpublish, resubmit };
}

export type ListingStore = ReturnType<typeof createListingStore>;
