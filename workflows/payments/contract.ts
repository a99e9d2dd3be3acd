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

/** One PayoutWorkflow per booking: the host is paid once per stay. */
export function payoutWorkflowId(bookingId: string): string {
  return PAYOUT_ID_PREFIX + bookingId;
}

export interface RefundRequest {
  bookingId: string;
  paymentIntentId: string;
  amount: Money;
  reason: string;
  /** Who asked: the cancellation flow, an admin, a dispute. */
  requestedBy: string;
}

export interface RefundResult {
  refundId: string;
  amount: Money;
}

export interface PayoutRequest {
  bookingId: string;
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
} as const;
