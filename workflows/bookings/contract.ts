import { defineQuery } from '@temporalio/workflow';
import type { Money } from '@kvartirnsk/lib/money';

/** The bookings domain's contract: imported by its workflow, its worker and the bookings API. */
export const BOOKINGS_TASK_QUEUE = 'bookings';

const WORKFLOW_ID_PREFIX = 'booking:';

/** One workflow per booking: the id comes from the booking id, so a retried request finds the same flow. */
export function bookingWorkflowId(bookingId: string): string {
  return WORKFLOW_ID_PREFIX + bookingId;
}

export function parseBookingWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

export interface BookingRequest {
  bookingId: string;
  listingId: string;
  guestId: string;
  /** Calendar dates, YYYY-MM-DD; check-out is the morning the guest leaves. */
  checkIn: string;
  checkOut: string;
  guests: number;
  /** Correlates the booking with the HTTP request that created it, for logs and the Temporal UI memo. */
  requestId?: string;
}

export interface PriceLine {
  kind: 'night' | 'cleaning_fee' | 'service_fee';
  /** The night's date for `night` lines. */
  date?: string;
  amount: Money;
}

export interface BookingQuote {
  listingId: string;
  hostId: string;
  nights: number;
  lines: PriceLine[];
  total: Money;
  /** When the stay ends, as an instant in the listing's time zone, for the check-out timer. */
  checkOutAt: string;
}

export const BOOKING_STATUSES = [
  'requested',
  'held',
  'authorized',
  'confirmed',
  'completed',
  'failed',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export interface BookingStep {
  status: BookingStatus;
  at: string;
  detail?: string;
}

export interface BookingState {
  bookingId: string;
  status: BookingStatus;
  quote?: BookingQuote;
  paymentIntentId?: string;
  /** Why the booking failed, in words a guest can read. */
  failure?: { type: string; message: string };
  history: BookingStep[];
}

export const bookingStateQuery = defineQuery<BookingState>('bookingState');

/** Business failures: non-retryable, each ends the booking with a reason. */
export const BookingFailureType = {
  LISTING_NOT_FOUND: 'ListingNotFound',
  INVALID_STAY: 'InvalidStay',
  DATES_UNAVAILABLE: 'DatesUnavailable',
  PAYMENT_DECLINED: 'PaymentDeclined',
} as const;
export type BookingFailureType = (typeof BookingFailureType)[keyof typeof BookingFailureType];
