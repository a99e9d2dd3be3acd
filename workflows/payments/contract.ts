import type { Money } from '@kvartirnsk/lib/money';

/** The payments domain's contract: its worker pool polls this queue; other flows call it by name. */
export const PAYMENTS_TASK_QUEUE = 'payments';

export interface AuthorizationRequest {
  bookingId: string;
  amount: Money;
  /** Test card payment method id; the web app's Stripe Elements will supply a real one. */
  paymentMethod?: string;
}

export interface Authorization {
  paymentIntentId: string;
  status: string;
  amount: Money;
}

export const PaymentFailureType = {
  CARD_DECLINED: 'CardDeclined',
} as const;
