import { LISTING_EVENTS } from '@kvartirnsk/lib/listing-events';
import { pushEvents } from '@kvartirnsk/lib/mongo-outbox';
import type {
  CheckFailure,
  CheckReport,
  ModerationStatus,
  ModerationVerdict,
} from '@kvartirnsk/workflows/moderation/contract';
import { automatedChecks, type CityContains, type ModerationRules } from './checks';
import {
  listingEvent,
  type ListingModel,
  MODERATION_ESCALATED_EVENT,
  type PhotoUrls,
  publishedSnapshot,
} from './listing';

export interface ListingActivityDeps {
  Listing: ListingModel;
  cityContains: CityContains;
  rules: ModerationRules;
  urls: PhotoUrls;
  /** Called after a write that carries events, so an in-process relay sends them at once. */
  eventsWritten?: () => void;
}

export interface RevisionRef {
  listingId: string;
  contentRevision: number;
}

/**
 * The moderation workflow's side effects on the listings database. Every write is conditional on the content
 * revision still being the listing's latest: a moderation that a newer edit overtook changes nothing, and
 * answers `superseded`. Each is safe to retry.
 */
export function createListingActivities({
  Listing,
  cityContains,
  rules,
  urls,
  eventsWritten,
}: ListingActivityDeps) {
  const latest = ({ listingId, contentRevision }: RevisionRef) => ({ _id: listingId, contentRevision });

  return {
    async checkListing(ref: RevisionRef): Promise<CheckReport | 'superseded'> {
      const listing = await Listing.findOne(latest(ref)).lean();
      if (!listing) return 'superseded';
      const cityMatch = await cityContains(listing.draft.city, listing.draft.location);
      const failures = automatedChecks(
        { ...listing.draft, photoCount: listing.photos.length },
        rules,
        cityMatch,
      );
      const trusted = await Listing.exists({ hostId: listing.hostId, published: { $ne: null } });
      return { failures, hostTrusted: trusted !== null };
    },

    /** Shows the moderation's progress to the host and in the admins' queue. */
    async recordModeration(
      ref: RevisionRef & {
        status: Extract<ModerationStatus, 'awaiting_review' | 'rejected'>;
        failures: CheckFailure[];
        verdict?: ModerationVerdict;
      },
    ): Promise<'recorded' | 'superseded'> {
      const now = new Date().toISOString();
      const result = await Listing.updateOne(latest(ref), {
        $set: {
          'moderation.status': ref.status,
          'moderation.failures': ref.failures,
          'moderation.updatedAt': now,
          ...(ref.status === 'awaiting_review' ? { 'moderation.awaitingSince': now } : {}),
          ...(ref.verdict ? { 'moderation.verdict': { ...ref.verdict, at: now } } : {}),
        },
      });
      return result.matchedCount === 1 ? 'recorded' : 'superseded';
    },

    /** Alerts admins once that this revision waits too long for review. */
    async escalate(ref: RevisionRef): Promise<'escalated' | 'superseded'> {
      const now = new Date();
      const listing = await Listing.findOne(latest(ref)).lean();
      if (!listing) return 'superseded';
      if (listing.moderation.escalated) return 'escalated';
      const event = listingEvent(
        MODERATION_ESCALATED_EVENT,
        {
          listingId: listing._id,
          hostId: listing.hostId,
          contentRevision: ref.contentRevision,
          title: listing.draft.title,
          workflowId: listing.moderation.workflowId,
          awaitingSince: listing.moderation.awaitingSince ?? null,
        },
        now,
      );
      const updated = await Listing.updateOne(
        { ...latest(ref), 'moderation.escalated': false },
        {
          $set: {
            'moderation.escalated': true,
            'moderation.status': 'escalated',
            'moderation.updatedAt': now.toISOString(),
          },
          ...pushEvents(event),
        },
      );
      eventsWritten?.();
      return updated.matchedCount === 1 || (await Listing.exists(latest(ref))) ? 'escalated' : 'superseded';
    },

    /**
     * Makes the latest draft what guests see: the published snapshot, a new revision and its
     * `listing.published` event, in one write.
     */
    async publishRevision(
      ref: RevisionRef & { verdict: ModerationVerdict },
    ): Promise<'published' | 'superseded'> {
      const listing = await Listing.findOne(latest(ref)).lean();
      if (!listing) return 'superseded';
      // A retry after a publish that succeeded must not publish (and announce) the revision again.
      if (listing.moderation.status === 'approved') return 'published';
      const now = new Date();
      const revision = listing.revision + 1;
      const snapshot = publishedSnapshot(listing, revision, urls, now);
      const updated = await Listing.updateOne(
        { ...latest(ref), revision: listing.revision },
        {
          $set: {
            published: snapshot,
            revision,
            'moderation.status': 'approved',
            'moderation.verdict': { ...ref.verdict, at: now.toISOString() },
            'moderation.updatedAt': now.toISOString(),
          },
          ...pushEvents(listingEvent(LISTING_EVENTS.published, snapshot, now)),
        },
      );
      // A calendar or price change landed in between: a plain error, so the activity retries with it.
      if (updated.matchedCount === 0) throw new Error(`listing ${ref.listingId} changed while publishing`);
      eventsWritten?.();
      return 'published';
    },
  };
}

export type ListingActivities = ReturnType<typeof createListingActivities>;
