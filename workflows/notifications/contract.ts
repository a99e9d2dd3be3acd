import type { Money } from '@kvartirnsk/lib/money';

/**
 * The notifications domain's contract: the queue the notification worker pool polls, what the workflows send
 * it, and the kinds users choose from. Delivery is an activity only; no workflow runs on this queue.
 */
export const NOTIFICATIONS_TASK_QUEUE = 'notifications';

export const NOTIFICATION_KINDS = [
  'booking_requested',
  'booking_request_sent',
  'booking_received',
  'booking_approved',
  'booking_declined',
  'booking_expired',
  'booking_cancelled',
  'booking_confirmed',
  'booking_cancelled_for_host',
  'refund_issued',
  'payout_sent',
  'review_window_open',
  'review_window_closing',
  'listing_approved',
  'listing_rejected',
  'listing_escalated',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ru';

/**
 * Who hears of a listing waiting too long for review: every admin, as one shared notification in the
 * `user:admins` room that admins' sockets join (admin ids are not known to the workflows, and admins come and
 * go). Read by one admin, it is read for all: it asks for one admin to act. In-app only, no e-mail.
 */
export const ADMINS_AUDIENCE = 'admins';

/** One step of a booking, as its guest or host hears of it. */
export interface BookingNotice {
  bookingId: string;
  listingId: string;
  checkIn: string;
  checkOut: string;
  /** Why it was declined or cancelled, when someone said. */
  reason?: string;
}

/** The guest's receipt of a request sent to the host. */
export interface BookingRequestNotice extends BookingNotice {
  /** When the request expires unless the host answers (ISO 8601). */
  respondBy: string;
}

/** A host's booking or request that the guest or an admin cancelled. */
export interface HostCancellationNotice extends BookingNotice {
  cancelledBy: 'guest' | 'admin';
  /** A request still waiting for the host's answer, or a confirmed booking. */
  stage: 'request' | 'booking';
}

export interface MoneyNotice {
  bookingId: string;
  amount: Money;
}

export interface ReviewWindowNotice {
  bookingId: string;
  listingId: string;
  /** When the window closes (ISO 8601). */
  closesAt: string;
}

export interface ListingNotice {
  listingId: string;
  contentRevision: number;
  /** The admin's reason for a rejection. */
  reason?: string;
}

export interface NotificationData {
  /** `respondBy` is absent from requests notified before it was sent along. */
  booking_requested: BookingNotice & Partial<Pick<BookingRequestNotice, 'respondBy'>>;
  booking_request_sent: BookingRequestNotice;
  booking_received: BookingNotice;
  booking_approved: BookingNotice;
  booking_declined: BookingNotice;
  booking_expired: BookingNotice;
  booking_cancelled: BookingNotice;
  booking_confirmed: BookingNotice;
  booking_cancelled_for_host: HostCancellationNotice;
  refund_issued: MoneyNotice;
  payout_sent: MoneyNotice;
  review_window_open: ReviewWindowNotice;
  review_window_closing: ReviewWindowNotice;
  listing_approved: ListingNotice;
  listing_rejected: ListingNotice;
  listing_escalated: ListingNotice;
}

/** A kind with the data its templates need. */
export type Notice = {
  [Kind in NotificationKind]: { kind: Kind; data: NotificationData[Kind] };
}[NotificationKind];

export type NotifyInput = Notice & {
  /** Derived from the business flow (notificationId()), so a retried or replayed step notifies once. */
  notificationId: string;
  /** The recipient's user id, or ADMINS_AUDIENCE. */
  userId: string;
  /** The language the flow knows the user speaks; their saved preference wins, Russian if neither. */
  locale?: Locale;
};

export interface NotifyOutcome {
  /** False when this notification id was delivered before (a retry or a replay). */
  created: boolean;
  emailed: boolean;
}

/** The notification pool's activities, as workflows call them. */
export interface NotificationActivities {
  notify(input: NotifyInput): Promise<NotifyOutcome>;
}

/**
 * One notification per workflow, kind and recipient: the workflow id survives retries, replays and resets.
 * A workflow that sends one kind to one user more than once (a reminder before each deadline) names the
 * occasion, derived from its own state, to keep them apart.
 */
export function notificationId(
  workflowId: string,
  kind: NotificationKind,
  userId: string,
  occasion?: string,
): string {
  return `${workflowId}:${kind}:${userId}${occasion ? `:${occasion}` : ''}`;
}
