// The bookings service's answers, as its OpenAPI document (api/bookings/openapi.ts) describes them.

export interface Money {
  amount: number;
  currency: string;
}

export type BookingStatus =
  | 'requested'
  | 'held'
  | 'authorized'
  | 'awaiting_approval'
  | 'confirmed'
  | 'completed'
  | 'declined'
  | 'expired'
  | 'cancelled'
  | 'failed';

export const TERMINAL_STATUSES: readonly BookingStatus[] = ['completed', 'declined', 'expired', 'cancelled', 'failed'];

export interface PriceLine {
  kind: 'night' | 'cleaning_fee' | 'service_fee';
  date?: string;
  amount: Money;
}

export interface BookingQuote {
  listingId: string;
  hostId: string;
  nights: number;
  lines: PriceLine[];
  total: Money;
  hostFee: Money;
  hostPayout: Money;
  instantBook: boolean;
  cancellationPolicy?: 'flexible' | 'moderate' | 'firm' | 'strict';
  checkInAt?: string;
  checkOutAt: string;
}

export interface BookingState {
  bookingId: string;
  listingId: string;
  guestId: string;
  checkIn: string;
  checkOut: string;
  status: BookingStatus;
  quote?: BookingQuote;
  approvalDeadline?: string;
  refund?: { total: Money; rule: string };
  failure?: { type: string; message: string };
  history: { status: BookingStatus; at: string; detail?: string }[];
}

export interface BookingSummary {
  bookingId: string;
  listingId: string;
  guestId: string;
  hostId: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  status: BookingStatus;
  total: Money;
  approvalDeadline?: string;
  createdAt: string;
}

export interface BookingPage {
  items: BookingSummary[];
  nextCursor?: string;
}

export function isTerminal(status: BookingStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Statuses in which the money is only held on the card, so cancelling releases all of it. */
export const BEFORE_CAPTURE: readonly BookingStatus[] = ['requested', 'held', 'authorized', 'awaiting_approval'];
