import { z } from 'zod';
import { isoDateSchema } from '@kvartirnsk/lib/dates';
import type { DomainEvent } from '@kvartirnsk/lib/events';
import {
  LISTING_EVENTS,
  listingRatingSchema,
  listingUnpublishedSchema,
  type PublishedListing,
  publishedListingSchema,
} from '@kvartirnsk/lib/listing-events';

/**
 * What the search index knows about one listing, built only from events (and the listings export on a
 * reindex). Every event becomes a partial state and is folded in with `mergeStates`, which is commutative,
 * associative and idempotent: a redelivered event changes nothing and events applied in any order end in
 * the same state. That is what lets the indexer run without a dedupe table and ack after one write.
 */
export interface ListingState {
  listingId: string;
  /** The newest published snapshot seen (highest revision), or null while only bookings are known. */
  listing: PublishedListing | null;
  /** When that snapshot was true: its event's time, or when the export was read. */
  listingObservedAt: string | null;
  /** The latest listing.unpublished; a snapshot observed before it stays hidden. */
  unpublishedAt: string | null;
  rating: { average: number; count: number; at: string } | null;
  /** Confirmed stays by booking id, sorted; a released one stays as a tombstone so a late confirmation cannot revive it. */
  stays: BookedStay[];
}

export interface BookedStay {
  bookingId: string;
  checkIn: string;
  checkOut: string;
  released: boolean;
}

/** A [from, to) run of nights nobody can book: a stay or a host's calendar block. */
export interface DateRange {
  gte: string;
  lt: string;
}

/** The Elasticsearch document: the state plus the fields derived from it for querying. */
export interface ListingDocument extends ListingState {
  visible: boolean;
  unavailable: DateRange[];
  /** When the document was last written; a reindex merges documents written after it started. */
  indexedAt: string;
}

export const BOOKING_CONFIRMED = 'booking.confirmed';
/** Every way a booking ends before its stay; each frees the nights it held. */
export const BOOKING_RELEASES = [
  'booking.cancelled',
  'booking.declined',
  'booking.expired',
  'booking.failed',
] as const;

export const INDEXED_EVENT_TYPES = [
  LISTING_EVENTS.published,
  LISTING_EVENTS.updated,
  LISTING_EVENTS.unpublished,
  LISTING_EVENTS.ratingUpdated,
  BOOKING_CONFIRMED,
  ...BOOKING_RELEASES,
];

const bookingStaySchema = z.object({
  bookingId: z.string().min(1),
  listingId: z.string().min(1),
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
});

export function emptyState(listingId: string): ListingState {
  return {
    listingId,
    listing: null,
    listingObservedAt: null,
    unpublishedAt: null,
    rating: null,
    stays: [],
  };
}

/** Timestamps are compared as strings, so every one is normalised to UTC first. */
const utc = (timestamp: string) => new Date(timestamp).toISOString();

export function stateFromSnapshot(listing: PublishedListing, observedAt: string): ListingState {
  return { ...emptyState(listing.listingId), listing, listingObservedAt: utc(observedAt) };
}

/**
 * The partial state an event stands for, or undefined for an event type the index does not follow.
 * Throws (a ZodError) when the data does not match its type's contract.
 */
export function stateFromEvent(event: DomainEvent): ListingState | undefined {
  const at = utc(event.occurredAt);
  switch (event.type) {
    case LISTING_EVENTS.published:
    case LISTING_EVENTS.updated:
      return stateFromSnapshot(publishedListingSchema.parse(event.data), at);
    case LISTING_EVENTS.unpublished: {
      const { listingId } = listingUnpublishedSchema.parse(event.data);
      return { ...emptyState(listingId), unpublishedAt: at };
    }
    case LISTING_EVENTS.ratingUpdated: {
      const { listingId, average, count } = listingRatingSchema.parse(event.data);
      return { ...emptyState(listingId), rating: { average, count, at } };
    }
    default: {
      const released = (BOOKING_RELEASES as readonly string[]).includes(event.type);
      if (event.type !== BOOKING_CONFIRMED && !released) return undefined;
      const { bookingId, listingId, checkIn, checkOut } = bookingStaySchema.parse(event.data);
      return { ...emptyState(listingId), stays: [{ bookingId, checkIn, checkOut, released }] };
    }
  }
}

const later = (a: string | null, b: string | null) => (a === null ? b : b === null || a >= b ? a : b);

function newerSnapshot(a: ListingState, b: ListingState): ListingState {
  if (!a.listing) return b;
  if (!b.listing) return a;
  if (a.listing.revision !== b.listing.revision) return a.listing.revision > b.listing.revision ? a : b;
  // The same revision from an event and from the export: the later observation decides visibility.
  return (a.listingObservedAt ?? '') >= (b.listingObservedAt ?? '') ? a : b;
}

function newerRating(a: ListingState['rating'], b: ListingState['rating']): ListingState['rating'] {
  if (!a) return b;
  if (!b) return a;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return a.count >= b.count ? a : b;
}

function mergeStays(a: BookedStay[], b: BookedStay[]): BookedStay[] {
  const byId = new Map(a.map((stay) => [stay.bookingId, stay]));
  for (const stay of b) {
    const known = byId.get(stay.bookingId);
    byId.set(stay.bookingId, known ? { ...known, released: known.released || stay.released } : stay);
  }
  return [...byId.values()].sort((x, y) => (x.bookingId < y.bookingId ? -1 : 1));
}

export function mergeStates(a: ListingState, b: ListingState): ListingState {
  if (a.listingId !== b.listingId) throw new Error(`Cannot merge ${a.listingId} with ${b.listingId}`);
  const snapshot = newerSnapshot(a, b);
  return {
    listingId: a.listingId,
    listing: snapshot.listing,
    listingObservedAt: snapshot.listingObservedAt,
    unpublishedAt: later(a.unpublishedAt, b.unpublishedAt),
    rating: newerRating(a.rating, b.rating),
    stays: mergeStays(a.stays, b.stays),
  };
}

export function isVisible(state: ListingState): boolean {
  if (!state.listing || !state.listingObservedAt) return false;
  return state.unpublishedAt === null || state.listingObservedAt > state.unpublishedAt;
}

export function toDocument(state: ListingState, indexedAt: Date): ListingDocument {
  const blocks = state.listing?.calendarBlocks ?? [];
  const booked = state.stays.filter((stay) => !stay.released);
  return {
    ...state,
    visible: isVisible(state),
    unavailable: [
      ...blocks.map((block) => ({ gte: block.from, lt: block.to })),
      ...booked.map((stay) => ({ gte: stay.checkIn, lt: stay.checkOut })),
    ],
    indexedAt: indexedAt.toISOString(),
  };
}

export function stateOf(document: ListingDocument): ListingState {
  const { listingId, listing, listingObservedAt, unpublishedAt, rating, stays } = document;
  return { listingId, listing, listingObservedAt, unpublishedAt, rating, stays };
}

/** Whether merging changed anything worth a write (the derived fields follow from these). */
export function sameState(a: ListingState, b: ListingState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
