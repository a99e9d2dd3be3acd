import { type Generated, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Currency } from '@kvartirnsk/lib/money';

/**
 * The payments database: a double-entry ledger. Every transaction's entries sum to zero, checked by the
 * database at commit; every transaction carries the idempotency key of the provider call it records, so a
 * retried activity records it once.
 */
export interface LedgerTransactionTable {
  id: Generated<string>;
  idempotency_key: string;
  kind: LedgerTransactionKind;
  booking_id: string;
  payment_intent_id: string | null;
  created_at: Generated<Date>;
}

export interface LedgerEntryTable {
  id: Generated<number>;
  transaction_id: string;
  account: LedgerAccount;
  /** Kopecks; debits positive, credits negative. */
  amount: number;
  currency: Currency;
}

/** Provider webhook events, kept once per event id: a redelivered event is recognised and not applied twice. */
export interface WebhookEventTable {
  id: string;
  type: string;
  booking_id: string | null;
  /** Whether a workflow took the event; unmatched ones are for reconciliation to explain. */
  delivered: boolean;
  payload: unknown;
  received_at: Generated<Date>;
}

/**
 * What the provider answered to each money-moving call, kept apart from the ledger: reconciliation holds the
 * two against each other. Keyed by the call's idempotency key, which is also the ledger transaction's key.
 */
export interface ProviderOperationTable {
  idempotency_key: string;
  movement: ProviderMovement;
  booking_id: string;
  /** The provider's object: PaymentIntent, refund or transfer id. */
  provider_object_id: string;
  /** Kopecks as the provider's answer states them (see recordProviderOperation for where that is the request). */
  amount: number;
  currency: Currency;
  created_at: Generated<Date>;
}

/**
 * A refund's claim on a booking's captured money, written under a lock on the booking's capture before the
 * provider is asked: concurrent refunds then see each other's claims and can never refund more than was
 * captured. A reservation is settled once the ledger has a refund with the same idempotency key.
 */
export interface RefundReservationTable {
  idempotency_key: string;
  booking_id: string;
  amount: number;
  currency: Currency;
  created_at: Generated<Date>;
}

export const RECONCILIATION_STATUSES = ['running', 'completed'] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

/** One reconciliation run over a period: what it looked at and how many differences it found. */
export interface ReconciliationReportTable {
  id: Generated<string>;
  workflow_id: string;
  run_id: string;
  period_from: Date;
  period_to: Date;
  status: ReconciliationStatus;
  ledger_transactions: Generated<number>;
  provider_operations: Generated<number>;
  provider_events: Generated<number>;
  workflows: Generated<number>;
  workflow_steps: Generated<number>;
  differences: Generated<number>;
  started_at: Generated<Date>;
  completed_at: Date | null;
}

export const DIFFERENCE_KINDS = [
  /** The provider or a workflow history moved money the ledger has no posting for (e.g. a missing capture). */
  'missing_ledger_posting',
  /** The ledger records a provider movement the provider never confirmed. */
  'missing_at_provider',
  /** The ledger records a movement no payment workflow's history shows. */
  'missing_in_history',
  /** Both sides know the movement, with different amounts. */
  'amount_mismatch',
  /** A ledger transaction whose entries no longer sum to zero. */
  'unbalanced_transaction',
  /** The provider reports more refunded for a booking than the ledger does. */
  'refund_without_ledger_entry',
  /** The provider reports a charge on a PaymentIntent the ledger does not know. */
  'orphan_provider_charge',
  /** A payment, refund or payout workflow that failed, timed out or was terminated: money may be stuck. */
  'workflow_failed',
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** Which record disagrees with the ledger. */
export type DifferenceSource = 'provider' | 'history' | 'ledger';

export interface ReconciliationDifferenceTable {
  id: Generated<number>;
  report_id: string;
  kind: DifferenceKind;
  source: DifferenceSource;
  movement: LedgerTransactionKind | null;
  booking_id: string | null;
  idempotency_key: string | null;
  workflow_id: string | null;
  provider_object_id: string | null;
  /** Kopecks: what the ledger says (expected) and what the other record says (actual); null where absent. */
  expected_amount: number | null;
  actual_amount: number | null;
  currency: Currency | null;
  detail: string;
}

/** The payment workflows a run found in Temporal's visibility store for its period. */
export interface ReconciliationWorkflowTable {
  report_id: string;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  status: string;
  booking_id: string | null;
  started_at: Date;
  closed_at: Date | null;
}

/** The money-moving activity completions read from those workflows' histories. */
export interface ReconciliationWorkflowStepTable {
  report_id: string;
  idempotency_key: string;
  workflow_id: string;
  activity_type: string;
  movement: LedgerTransactionKind;
  booking_id: string;
  amount: number;
  currency: Currency;
  completed_at: Date;
}

/** A view: each ledger transaction with the one amount it moved (see migration 0004). */
export interface LedgerMovementView {
  id: string;
  idempotency_key: string;
  kind: LedgerTransactionKind;
  booking_id: string;
  payment_intent_id: string | null;
  created_at: Date;
  amount: number;
  currency: Currency | null;
}

export const DISPUTE_STATUSES = ['open', 'settled'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/**
 * A guest's dispute of a booking's charge, handled by the platform: opened with what the guest claims, settled
 * by finance or an admin with what is refunded (possibly nothing). The refund itself is a RefundWorkflow whose
 * id comes from the dispute, so the ledger stays the only place money moves and a dispute refunds at most once.
 */
export interface DisputeTable {
  /** Chosen by whoever opens it, so opening twice finds the same dispute. */
  id: string;
  booking_id: string;
  status: DisputeStatus;
  claimed_amount: number;
  currency: Currency;
  reason: string;
  opened_by: string;
  opened_at: Generated<Date>;
  refunded_amount: number | null;
  refund_id: string | null;
  resolution: string | null;
  settled_by: string | null;
  settled_at: Date | null;
}

export const PAYOUT_STATUSES = ['scheduled', 'paid', 'nothing_due', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/**
 * A host's payout for one stay, as the host sees it: the ledger knows bookings, not hosts, so the payout
 * workflow records here whose payout it is, when it is due and how it ended. One row per booking.
 */
export interface PayoutTable {
  booking_id: string;
  host_id: string;
  /** Kopecks: the host's share still due while scheduled, what was transferred once paid. */
  amount: number;
  currency: Currency;
  status: PayoutStatus;
  pay_at: Date;
  paid_at: Date | null;
  updated_at: Generated<Date>;
}

export interface PaymentsDatabase {
  disputes: DisputeTable;
  ledger_movements: LedgerMovementView;
  ledger_transactions: LedgerTransactionTable;
  ledger_entries: LedgerEntryTable;
  payouts: PayoutTable;
  webhook_events: WebhookEventTable;
  provider_operations: ProviderOperationTable;
  refund_reservations: RefundReservationTable;
  reconciliation_reports: ReconciliationReportTable;
  reconciliation_differences: ReconciliationDifferenceTable;
  reconciliation_workflows: ReconciliationWorkflowTable;
  reconciliation_workflow_steps: ReconciliationWorkflowStepTable;
}

export type PaymentsDb = Kysely<PaymentsDatabase>;

export const LEDGER_TRANSACTION_KINDS = [
  'authorization',
  'capture',
  'void',
  'refund',
  'earning',
  'payout',
  'earning_reversal',
  'transfer_reversal',
] as const;
export type LedgerTransactionKind = (typeof LEDGER_TRANSACTION_KINDS)[number];

/** The ledger transactions that record a movement at the provider (an earning is ours alone). */
export const PROVIDER_MOVEMENTS = [
  'authorization',
  'capture',
  'void',
  'refund',
  'payout',
  'transfer_reversal',
] as const;
export type ProviderMovement = (typeof PROVIDER_MOVEMENTS)[number];

/**
 * Accounts. A card hold is not money yet, so it lives on a memo pair (`card_holds` against
 * `card_holds_outstanding`). A capture is money the provider holds for us (`provider_receivable`) that we owe
 * to the stay (`guest_prepayments`, a liability). A refund gives some of it back. Once the stay has begun it is
 * earned: the host's share becomes `host_payable`, the fees `platform_revenue`; the payout then moves the
 * host's share out of the provider balance. A refund after the payout reverses the earnings it gives back: the
 * host's part becomes `host_receivable` until a transfer reversal takes it back from the host's account.
 */
export const LedgerAccount = {
  CARD_HOLDS: 'card_holds',
  CARD_HOLDS_OUTSTANDING: 'card_holds_outstanding',
  PROVIDER_RECEIVABLE: 'provider_receivable',
  GUEST_PREPAYMENTS: 'guest_prepayments',
  HOST_PAYABLE: 'host_payable',
  /** What a host owes back: their share of a refund given after they were paid, until it is clawed back. */
  HOST_RECEIVABLE: 'host_receivable',
  PLATFORM_REVENUE: 'platform_revenue',
} as const;
export type LedgerAccount = (typeof LedgerAccount)[keyof typeof LedgerAccount];

export const paymentsMigrations: Record<string, Migration> = {
  '0001_ledger': {
    async up(db) {
      await db.schema
        .createTable('ledger_transactions')
        .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('idempotency_key', 'text', (col) => col.notNull().unique())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('booking_id', 'text', (col) => col.notNull())
        .addColumn('payment_intent_id', 'text')
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('ledger_entries')
        .addColumn('id', 'bigserial', (col) => col.primaryKey())
        .addColumn('transaction_id', 'uuid', (col) => col.notNull().references('ledger_transactions.id'))
        .addColumn('account', 'text', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount <> 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('ledger_entries_account')
        .on('ledger_entries')
        .columns(['account'])
        .execute();
      await db.schema
        .createIndex('ledger_transactions_booking')
        .on('ledger_transactions')
        .columns(['booking_id'])
        .execute();
      // Balanced to the kopeck, per currency, whatever code wrote the entries: checked when the transaction commits.
      await sql`
        CREATE FUNCTION ledger_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (
            SELECT 1 FROM ledger_entries WHERE transaction_id = NEW.transaction_id
            GROUP BY currency HAVING sum(amount) <> 0
          ) THEN
            RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id USING ERRCODE = 'check_violation';
          END IF;
          RETURN NULL;
        END $$
      `.execute(db);
      await sql`
        CREATE CONSTRAINT TRIGGER ledger_entries_balance AFTER INSERT OR UPDATE ON ledger_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balances()
      `.execute(db);
    },
  },
  '0002_webhook_events': {
    async up(db) {
      await db.schema
        .createTable('webhook_events')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('booking_id', 'text')
        .addColumn('delivered', 'boolean', (col) => col.notNull().defaultTo(false))
        .addColumn('payload', 'jsonb', (col) => col.notNull())
        .addColumn('received_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  '0003_provider_operations': {
    async up(db) {
      await db.schema
        .createTable('provider_operations')
        .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
        .addColumn('movement', 'text', (col) => col.notNull())
        .addColumn('booking_id', 'text', (col) => col.notNull())
        .addColumn('provider_object_id', 'text', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('provider_operations_created')
        .on('provider_operations')
        .columns(['created_at'])
        .execute();
      await db.schema
        .createIndex('provider_operations_booking')
        .on('provider_operations')
        .columns(['booking_id'])
        .execute();
      await db.schema
        .createIndex('ledger_transactions_created')
        .on('ledger_transactions')
        .columns(['created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('ledger_entries_transaction')
        .on('ledger_entries')
        .columns(['transaction_id'])
        .execute();
      await db.schema
        .createIndex('webhook_events_received')
        .on('webhook_events')
        .columns(['received_at'])
        .execute();
      await db.schema
        .createTable('refund_reservations')
        .addColumn('idempotency_key', 'text', (col) => col.primaryKey())
        .addColumn('booking_id', 'text', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount > 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('refund_reservations_booking')
        .on('refund_reservations')
        .columns(['booking_id'])
        .execute();
    },
  },
  '0004_reconciliation': {
    async up(db) {
      // One amount per ledger transaction, comparable with the provider's and the history's: the debit of the
      // account that carries each kind's movement (a capture's receivable, an earning's prepayments, ...).
      await sql`
        CREATE VIEW ledger_movements AS
        SELECT t.id, t.idempotency_key, t.kind, t.booking_id, t.payment_intent_id, t.created_at,
               m.amount, m.currency
        FROM ledger_transactions t
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(e.amount) FILTER (WHERE e.amount > 0 AND e.account = CASE t.kind
                   WHEN 'authorization' THEN 'card_holds'
                   WHEN 'capture' THEN 'provider_receivable'
                   WHEN 'void' THEN 'card_holds_outstanding'
                   WHEN 'refund' THEN 'guest_prepayments'
                   WHEN 'earning' THEN 'guest_prepayments'
                   WHEN 'payout' THEN 'host_payable' END), 0)::bigint AS amount,
                 min(e.currency) AS currency
          FROM ledger_entries e WHERE e.transaction_id = t.id
        ) m
      `.execute(db);
      await db.schema
        .createTable('reconciliation_reports')
        .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('workflow_id', 'text', (col) => col.notNull())
        .addColumn('run_id', 'text', (col) => col.notNull().unique())
        .addColumn('period_from', 'timestamptz', (col) => col.notNull())
        .addColumn('period_to', 'timestamptz', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('ledger_transactions', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('provider_operations', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('provider_events', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('workflows', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('workflow_steps', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('differences', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('completed_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('reconciliation_reports_started')
        .on('reconciliation_reports')
        .columns(['started_at', 'id'])
        .execute();
      await db.schema
        .createTable('reconciliation_differences')
        .addColumn('id', 'bigserial', (col) => col.primaryKey())
        .addColumn('report_id', 'uuid', (col) =>
          col.notNull().references('reconciliation_reports.id').onDelete('cascade'),
        )
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('source', 'text', (col) => col.notNull())
        .addColumn('movement', 'text')
        .addColumn('booking_id', 'text')
        .addColumn('idempotency_key', 'text')
        .addColumn('workflow_id', 'text')
        .addColumn('provider_object_id', 'text')
        .addColumn('expected_amount', 'bigint')
        .addColumn('actual_amount', 'bigint')
        .addColumn('currency', 'text')
        .addColumn('detail', 'text', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('reconciliation_differences_report')
        .on('reconciliation_differences')
        .columns(['report_id', 'id'])
        .execute();
      await db.schema
        .createTable('reconciliation_workflows')
        .addColumn('report_id', 'uuid', (col) =>
          col.notNull().references('reconciliation_reports.id').onDelete('cascade'),
        )
        .addColumn('workflow_id', 'text', (col) => col.notNull())
        .addColumn('run_id', 'text', (col) => col.notNull())
        .addColumn('workflow_type', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('booking_id', 'text')
        .addColumn('started_at', 'timestamptz', (col) => col.notNull())
        .addColumn('closed_at', 'timestamptz')
        .addPrimaryKeyConstraint('reconciliation_workflows_pk', ['report_id', 'run_id'])
        .execute();
      await db.schema
        .createTable('reconciliation_workflow_steps')
        .addColumn('report_id', 'uuid', (col) =>
          col.notNull().references('reconciliation_reports.id').onDelete('cascade'),
        )
        .addColumn('idempotency_key', 'text', (col) => col.notNull())
        .addColumn('workflow_id', 'text', (col) => col.notNull())
        .addColumn('activity_type', 'text', (col) => col.notNull())
        .addColumn('movement', 'text', (col) => col.notNull())
        .addColumn('booking_id', 'text', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('completed_at', 'timestamptz', (col) => col.notNull())
        .addPrimaryKeyConstraint('reconciliation_workflow_steps_pk', ['report_id', 'idempotency_key'])
        .execute();
    },
  },
  '0005_payout_clawback': {
    async up(db) {
      // The movement of an earnings reversal is what the host owes back; of a transfer reversal, what came back.
      await sql`
        CREATE OR REPLACE VIEW ledger_movements AS
        SELECT t.id, t.idempotency_key, t.kind, t.booking_id, t.payment_intent_id, t.created_at,
               m.amount, m.currency
        FROM ledger_transactions t
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(e.amount) FILTER (WHERE e.amount > 0 AND e.account = CASE t.kind
                   WHEN 'authorization' THEN 'card_holds'
                   WHEN 'capture' THEN 'provider_receivable'
                   WHEN 'void' THEN 'card_holds_outstanding'
                   WHEN 'refund' THEN 'guest_prepayments'
                   WHEN 'earning' THEN 'guest_prepayments'
                   WHEN 'payout' THEN 'host_payable'
                   WHEN 'earning_reversal' THEN 'host_receivable'
                   WHEN 'transfer_reversal' THEN 'provider_receivable' END), 0)::bigint AS amount,
                 min(e.currency) AS currency
          FROM ledger_entries e WHERE e.transaction_id = t.id
        ) m
      `.execute(db);
    },
  },
  '0006_disputes': {
    async up(db) {
      await db.schema
        .createTable('disputes')
        .addColumn('id', 'uuid', (col) => col.primaryKey())
        .addColumn('booking_id', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('claimed_amount', 'bigint', (col) => col.notNull().check(sql`claimed_amount > 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('opened_by', 'text', (col) => col.notNull())
        .addColumn('opened_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .addColumn('refunded_amount', 'bigint')
        .addColumn('refund_id', 'text')
        .addColumn('resolution', 'text')
        .addColumn('settled_by', 'text')
        .addColumn('settled_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('disputes_booking').on('disputes').columns(['booking_id']).execute();
    },
  },
  '0007_payouts': {
    async up(db) {
      await db.schema
        .createTable('payouts')
        .addColumn('booking_id', 'text', (col) => col.primaryKey())
        .addColumn('host_id', 'text', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull().check(sql`amount >= 0`))
        .addColumn('currency', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status IN ('scheduled', 'paid', 'nothing_due', 'failed')`),
        )
        .addColumn('pay_at', 'timestamptz', (col) => col.notNull())
        .addColumn('paid_at', 'timestamptz')
        .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
        .execute();
      // A host's payouts newest first, a page at a time.
      await db.schema
        .createIndex('payouts_host_pay_at')
        .on('payouts')
        .columns(['host_id', 'pay_at desc', 'booking_id desc'])
        .execute();
    },
  },
};
