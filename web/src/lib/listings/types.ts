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
