// The reviews service's answers (api/reviews/openapi.ts).

export const GUEST_CATEGORIES = ['cleanliness', 'accuracy', 'location', 'communication', 'checkIn', 'value'] as const;
export type GuestCategory = (typeof GUEST_CATEGORIES)[number];

export interface Review {
  id: string;
  bookingId: string;
  listingId: string;
  side: 'guest' | 'host';
  authorId: string;
  rating: number;
  categories?: Record<GuestCategory, number>;
  text: string;
  submittedAt: string;
  publishedAt?: string;
  reply?: { text: string; authorId: string; at: string };
}

export interface Rating {
  count: number;
  average: number | null;
  categories?: Record<GuestCategory, number>;
}

export interface ReviewPage {
  items: Review[];
  rating: Rating;
  nextCursor?: string;
}

export interface BookingReviews {
  bookingId: string;
  listingId: string;
  status: 'open' | 'closed';
  closesAt: string;
  publishedAt?: string;
  side: 'guest' | 'host';
  yours?: Review;
  theirs?: Review;
  theirsWritten: boolean;
}
