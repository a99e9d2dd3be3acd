import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Money } from '@kvartirnsk/lib/money';

/** The payments domain's contract: its worker pool polls this queue; other flows reach it by these names. */
export const PAYMENTS_TASK_QUEUE = 'payments';

const WORKFLOW_ID_PREFIX = 'payment:';

/** One PaymentWorkflow per booking: its history is that booking's money trail at the provider. */
export function paymentWorkflowId(bookingId: string): string {
  return WORKFLOW_ID_PREFIX + bookingId;
}

export interface PaymentRequest {
  bookingId: string;
  amount: Money;
  /** Test card payment method id; the web app's Stripe Elements will supply a real one. */
  paymentMethod?: string;
  /** The workflow to tell when the hold is placed (the booking that started this payment). */
  notifyWorkflowId: string;
  /** How long an authorization may wait for capture before it is voided (card holds expire). */
  captureWindow: string;
  /**
   * Capture as soon as the hold is placed, without telling the booking or waiting for its word: an Instant
   * Book has nothing to decide in between. Absent in payments started before this existed.
   */
  captureAtOnce?: boolean;
}

export interface Authorization {
  paymentIntentId: string;
  status: string;
  amount: Money;
}

export type PaymentCommand = 'capture' | 'void';

export const PAYMENT_STATUSES = ['authorizing', 'authorized', 'captured', 'voided', 'declined'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface PaymentResult {
  status: Extract<PaymentStatus, 'captured' | 'voided' | 'declined'>;
  paymentIntentId?: string;
  /** Why the card was declined, or why the hold was voided. */
  reason?: string;
  /** When the hold was placed, for a payment captured at once (its booking never heard of the hold alone). */
  authorizedAt?: string;
}

/** The booking tells its payment what to do with the hold: capture it or void it. */
export const paymentCommandSignal = defineSignal<[PaymentCommand]>('paymentCommand');

/** The payment tells its booking the hold is placed, so the booking can go on while the payment waits. */
export const paymentAuthorizedSignal = defineSignal<[Authorization]>('paymentAuthorized');

export const paymentStatusQuery = defineQuery<PaymentStatus>('paymentStatus');

const REFUND_ID_PREFIX = 'refund:';
const PAYOUT_ID_PREFIX = 'payout:';

/**
 * One RefundWorkflow per refund request: the id joins the booking with the request's own id (a cancellation,
 * an admin's refund form), so asking twice for the same refund finds the same workflow and pays once.
 */
export function refundWorkflowId(bookingId: string, requestId: string): string {
  return `${REFUND_ID_PREFIX}${bookingId}:${requestId}`;
}

/** The refund that settles a dispute: one per dispute, so settling twice refunds once. */
export function disputeRefundWorkflowId(bookingId: string, disputeId: string): string {
  return refundWorkflowId(bookingId, `dispute-${disputeId}`);
}

/** One PayoutWorkflow per booking: the host is paid once per stay. */
export function payoutWorkflowId(bookingId: string): string {
  return PAYOUT_ID_PREFIX + bookingId;
}

/** The booking a payment, refund or payout workflow belongs to, from its id; undefined for other ids. */
export function parsePaymentsWorkflowId(workflowId: string): { bookingId: string } | undefined {
  for (const prefix of [WORKFLOW_ID_PREFIX, PAYOUT_ID_PREFIX, REFUND_ID_PREFIX]) {
    if (!workflowId.startsWith(prefix)) continue;
    const [bookingId] = workflowId.slice(prefix.length).split(':');
    return bookingId ? { bookingId } : undefined;
  }
  return undefined;
}

/** A half-open period [from, to) of instants (ISO 8601); a daily run covers one UTC day. */
export interface ReconciliationPeriod {
  from: string;
  to: string;
}

const RECONCILIATION_ID_PREFIX = 'reconciliation:';

/**
 * One on-demand reconciliation per period: `reconciliation:2026-11-24` for a UTC day, else
 * `reconciliation:<from>..<to>`. Scheduled runs get the schedule's id for them (see RECONCILIATION_SCHEDULE).
 */
export function reconciliationWorkflowId({ from, to }: ReconciliationPeriod): string {
  const day = from.slice(0, 10);
  const wholeDay = from === `${day}T00:00:00.000Z` && Date.parse(to) - Date.parse(from) === 86_400_000;
  return RECONCILIATION_ID_PREFIX + (wholeDay ? day : `${from}..${to}`);
}

/**
 * The daily reconciliation's schedule. Temporal names each run `<workflowId>-<scheduled time>`, so a run's id
 * still comes from its business key, the day it was scheduled for.
 */
export const RECONCILIATION_SCHEDULE = {
  scheduleId: 'reconciliation-daily',
  workflowId: `${RECONCILIATION_ID_PREFIX}daily`,
  /** After midnight UTC, once the previous day's webhooks have had time to arrive. */
  hourUtc: 2,
} as const;

/** Set by Temporal on every workflow a schedule starts: the time the run was due. */
export const ScheduledStartTimeKey = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

export interface ReconciliationRequest {
  /** Absent when the schedule starts it: then the UTC day before the scheduled time. */
  period?: ReconciliationPeriod;
}

export interface ReconciliationResult {
  reportId: string;
  period: ReconciliationPeriod;
  differences: number;
}

export interface RefundRequest {
  bookingId: string;
  paymentIntentId: string;
  amount: Money;
  reason: string;
  /** Who asked: the cancellation flow, an admin, a dispute. */
  requestedBy: string;
  /** The guest told of the refund; absent from refunds started before notifications, which refund silently. */
  guestId?: string;
  /**
   * Given when the host was already paid for the stay: the host's share of this refund, taken back from the
   * payout's transfer (the earnings it reverses become a host receivable until the transfer reversal lands).
   */
  payoutClawback?: { transferId: string; hostShare: Money };
}

export interface RefundResult {
  refundId: string;
  amount: Money;
  /** The provider's transfer reversal, when the host's share was clawed back. */
  transferReversalId?: string;
}

export interface PayoutRequest {
  bookingId: string;
  /** The host told of the payout; absent from payouts started before notifications, which pay silently. */
  hostId?: string;
  /** The host's connected account at the provider. */
  hostAccount: string;
  /** What the guest paid and what of it is the host's, as priced at booking. */
  earned: Money;
  hostShare: Money;
  /** When the host is paid: a day after check-in, once the guest has arrived. */
  payAt: string;
}

/**
 * A cancellation before the payout changes it: the booking sends what is still earned and the host's share of
 * that (both zero when everything was refunded).
 */
export const adjustPayoutSignal = defineSignal<[Pick<PayoutRequest, 'earned' | 'hostShare'>]>('adjustPayout');

export interface PayoutResult {
  status: 'paid' | 'nothing_due';
  transferId?: string;
  hostShare: Money;
}

export const PaymentFailureType = {
  CARD_DECLINED: 'CardDeclined',
  /** Concurrent or repeated refunds would give back more than was captured; nothing was refunded. */
  REFUND_EXCEEDS_CAPTURED: 'RefundExceedsCaptured',
  /** The provider asked us to slow down; retried after the delay it named. */
  PROVIDER_RATE_LIMITED: 'ProviderRateLimited',
} as const;
