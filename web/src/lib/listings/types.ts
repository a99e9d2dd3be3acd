// What guests see of a listing: the published-listing contract (lib/listing-events.ts).
export interface PublishedListing {
  listingId: string;
  hostId: string;
  type: string;
  title: string;
  titleEn: string | null;
  description: string;
  descriptionEn: string | null;
  city: string;
  address: string;
  location: { lat: number; lon: number };
  timeZone: string;
  maxGuests: number;
  bedrooms: number;
  beds: number;
  bathrooms: number;
  amenities: string[];
  houseRules: string;
  checkInTime: string;
  checkOutTime: string;
  photos: { id: string; url: string; thumbnailUrl: string }[];
  currency: string;
  nightlyPrice: number;
  weekendPrice: number | null;
  cleaningFee: number;
  minNights: number;
  maxNights: number;
  cancellationPolicy: 'flexible' | 'moderate' | 'firm' | 'strict';
  instantBook: boolean;
  calendarBlocks: { from: string; to: string }[];
}

// A signed-in user's saved listings (api/listings/saved.ts); `listing` is null while it is not published.
export interface SavedListing {
  listingId: string;
  savedAt: string;
  listing: PublishedListing | null;
}

export interface SavedPage {
  items: SavedListing[];
  next: string | null;
}

// The listings service's host and admin view (api/listings/openapi.ts `ListingView`).

// One list for the service and the forms: the listing contract's.
export {
  AMENITIES,
  CANCELLATION_POLICY_NAMES as CANCELLATION_POLICIES,
  LISTING_TYPES,
} from '@kvartirnsk/lib/listing-events';

export type ListingModerationStatus = 'checking' | 'awaiting_review' | 'escalated' | 'approved' | 'rejected' | 'withdrawn';

export interface CheckFailure {
  check: string;
  field: string;
  message: string;
}

export interface ListingPhoto {
  id: string;
  url: string;
  thumbnailUrl: string;
}

export interface ListingView extends Omit<PublishedListing, 'listingId'> {
  id: string;
  photos: ListingPhoto[];
  revision: number;
  contentRevision: number;
  published: PublishedListing | null;
  moderation: {
    contentRevision: number;
    status: ListingModerationStatus;
    failures: CheckFailure[];
    awaitingSince?: string;
    escalated: boolean;
    verdict?: { by: 'auto' | 'admin'; adminId?: string; reason?: string; at: string };
    workflowId: string;
    updatedAt: string;
  };
  createdAt: string;
  updatedAt: string;
}

export interface ListingPage {
  items: ListingView[];
  next: string | null;
}

/** What the host edit form holds: amounts in roubles as typed, numbers as text. */
export type ListingFormValues = {
  type: string;
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  city: string;
  address: string;
  lat: string;
  lon: string;
  timeZone: string;
  maxGuests: string;
  bedrooms: string;
  beds: string;
  bathrooms: string;
  amenities: string[];
  houseRules: string;
  checkInTime: string;
  checkOutTime: string;
  nightlyPrice: string;
  weekendPrice: string;
  cleaningFee: string;
  minNights: string;
  maxNights: string;
  cancellationPolicy: string;
  instantBook: boolean;
};
