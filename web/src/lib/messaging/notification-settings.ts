// Which notifications a user may have mailed, as the settings page groups them (api/messaging's preferences).
// listing_escalated is left out: it goes to admins in the app only, never by mail.

export const GUEST_KINDS = [
  'booking_request_sent',
  'booking_approved',
  'booking_declined',
  'booking_expired',
  'booking_confirmed',
  'booking_cancelled',
  'refund_issued',
] as const;
export const HOST_KINDS = [
  'booking_requested',
  'booking_received',
  'booking_cancelled_for_host',
  'payout_sent',
  'listing_approved',
  'listing_rejected',
] as const;
export const REVIEW_KINDS = ['review_window_open', 'review_window_closing'] as const;

export type MailableKind = (typeof GUEST_KINDS | typeof HOST_KINDS | typeof REVIEW_KINDS)[number];
export const MAILABLE_KINDS: readonly MailableKind[] = [...GUEST_KINDS, ...HOST_KINDS, ...REVIEW_KINDS];

export interface NotificationPreferences {
  locale: 'ru' | 'en' | null;
  kinds: Record<string, { inApp: true; email: boolean }>;
}
