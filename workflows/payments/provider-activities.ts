import { proxyActivities } from '@temporalio/workflow';
import type { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';

/**
 * Every provider call carries an idempotency key, so retrying is always safe: back off hard and keep trying
 * for a long time, because giving up on a capture, refund or payout would lose someone's money.
 */
export const providerCall = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 100,
  },
} as const;

/** The payment activities as the payments pool's workflows call them. */
export const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(providerCall);
