// The payments service's finance answers (api/payments/app.ts).

export interface Balance {
  account: string;
  currency: string;
  balance: number;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface Trail {
  bookingId: string;
  transactions: {
    kind: string;
    at: string;
    paymentIntentId: string | null;
    idempotencyKey: string;
    entries: { account: string; amount: Money }[];
    provider: { objectId: string; amount: Money } | null;
  }[];
  providerEvents: { id: string; type: string; delivered: boolean; receivedAt: string }[];
  workflows: {
    workflowId: string;
    runId: string;
    workflowType: string;
    status: string;
    startedAt: string;
    closedAt?: string;
    steps: { activityType: string; activityId: string; idempotencyKey: string; movement: string; completedAt: string }[];
  }[];
}

export interface ReconciliationReport {
  id: string;
  workflowId: string;
  runId: string;
  period: { from: string; to: string };
  status: 'running' | 'completed';
  startedAt: string;
  completedAt: string | null;
  checked: {
    ledgerTransactions: number;
    providerOperations: number;
    providerEvents: number;
    workflows: number;
    workflowSteps: number;
  };
  differences: number;
}

export interface ReconciliationDifference {
  id: number;
  kind: string;
  source: 'provider' | 'history' | 'ledger';
  movement: string | null;
  bookingId: string | null;
  idempotencyKey: string | null;
  workflowId: string | null;
  providerObjectId: string | null;
  expected: Money | null;
  actual: Money | null;
  detail: string;
}

/**
 * A host's payout, as the payments API serves it at GET /api/payments/payouts (latest due first). One per
 * booking: the payout workflow pays a day after check-in.
 */
export type PayoutStatus = 'scheduled' | 'paid' | 'nothing_due' | 'failed';

export interface Payout {
  bookingId: string;
  amount: Money;
  status: PayoutStatus;
  /** When it is (or was) due: a day after check-in. */
  payAt: string;
  paidAt: string | null;
}

export interface PayoutPage {
  items: Payout[];
  nextCursor?: string;
}

/** A guest's dispute of a booking's charge (api/payments/disputes.ts), settled once by finance or an admin. */
export interface Dispute {
  id: string;
  bookingId: string;
  status: 'open' | 'settled';
  claimed: Money;
  reason: string;
  openedBy: string;
  openedAt: string;
  /** What the guest got back once settled; zero when it was decided for the host. */
  refunded: Money | null;
  refundId: string | null;
  resolution: string | null;
  settledBy: string | null;
  settledAt: string | null;
}
