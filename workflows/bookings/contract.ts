import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Money } from '@kvartirnsk/lib/money';
import type { DurationText } from '../reviews/contract';
import type { CancellationPolicy, Refund } from './cancellation-policy';

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
  /** The guest's card as a provider payment method id (from the web app's card form); a test card if absent. */
  paymentMethod?: string;
  /** Correlates the booking with the HTTP request that created it, for logs and the Temporal UI memo. */
  requestId?: string;
}

/** Platform settings fixed for the life of one booking when it starts, so a config change never reshapes it. */
export interface BookingTerms {
  /** How long a host has to answer a request to book, e.g. "24 hours". */
  approvalWindow: Duration;
  /** How long guest and host may review the stay after check-out; the reviews domain's default if absent. */
  reviewWindow?: DurationText;
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
  /** What the guest pays. */
  total: Money;
  /** The platform's fee taken from the host's share, and what the host is paid. */
  hostFee: Money;
  hostPayout: Money;
  instantBook: boolean;
  cancellationPolicy: CancellationPolicy;
  /** When the stay begins and ends, as instants in the listing's time zone: refund rules and timers use them. */
  checkInAt: string;
  checkOutAt: string;
}

export const BOOKING_STATUSES = [
  'requested',
  'held',
  'authorized',
  'awaiting_approval',
  'confirmed',
  'completed',
  'declined',
  'expired',
  'cancelled',
  'failed',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses a booking never leaves. */
export const TERMINAL_BOOKING_STATUSES = ['completed', 'declined', 'expired', 'cancelled', 'failed'] as const;

/** How a booking ends before or instead of its stay; each frees the dates. */
export type BookingEnding = Extract<BookingStatus, 'declined' | 'expired' | 'cancelled' | 'failed'>;

export function isTerminal(status: BookingStatus): boolean {
  return (TERMINAL_BOOKING_STATUSES as readonly BookingStatus[]).includes(status);
}

export interface BookingStep {
  status: BookingStatus;
  at: string;
  detail?: string;
}

export interface BookingState {
  bookingId: string;
  listingId: string;
  guestId: string;
  checkIn: string;
  checkOut: string;
  status: BookingStatus;
  quote?: BookingQuote;
  paymentIntentId?: string;
  /** Until when the host may approve a request to book. */
  approvalDeadline?: string;
  /**
   * What a cancelled booking gives back, and by which rule; `settled` once the provider has refunded it (the
   * cancellation itself does not wait for the provider).
   */
  refund?: Pick<Refund, 'total' | 'rule'> & { settled?: boolean };
  /** Provider events about this booking's payment that happened outside our flow, for finance to act on. */
  providerEvents?: ProviderEvent[];
  /** Why the booking ended without a stay, in words a guest can read. */
  failure?: { type: string; message: string };
  history: BookingStep[];
}

export type BookingParty = 'guest' | 'host' | 'admin';

export interface HostDecision {
  by: Extract<BookingParty, 'host' | 'admin'>;
  actorId: string;
  reason?: string;
}

export interface Cancellation {
  by: BookingParty;
  actorId: string;
  reason?: string;
}

export const bookingStateQuery = defineQuery<BookingState>('bookingState');

/** Something the payment provider did on its own (a refund from its dashboard, a dispute), from its webhook. */
export interface ProviderEvent {
  id: string;
  type: string;
  amount?: Money;
  at: string;
}

export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');

/**
 * Sent with the start (Update-with-Start): answers once the booking's dates are held or refused, so the
 * API can reply with the price and status at once; a repeated request gets the same booking's state.
 */
export const openBookingUpdate = defineUpdate<BookingState>('openBooking');
export const approveUpdate = defineUpdate<BookingState, [HostDecision]>('approve');
export const declineUpdate = defineUpdate<BookingState, [HostDecision]>('decline');
export const cancelUpdate = defineUpdate<BookingState, [Cancellation]>('cancel');

/** Business failures: non-retryable, each ends the booking with a reason. */
export const BookingFailureType = {
  LISTING_NOT_FOUND: 'ListingNotFound',
  INVALID_STAY: 'InvalidStay',
  DATES_UNAVAILABLE: 'DatesUnavailable',
  /** An update that does not fit the booking's current status (approve an expired request, ...). */
  WRONG_STATUS: 'WrongStatus',
} as const;
export type BookingFailureType = (typeof BookingFailureType)[keyof typeof BookingFailureType];
