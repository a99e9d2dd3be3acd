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
