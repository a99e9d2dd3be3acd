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

export interface PaymentsDatabase {
  ledger_transactions: LedgerTransactionTable;
  ledger_entries: LedgerEntryTable;
  webhook_events: WebhookEventTable;
}

export type PaymentsDb = Kysely<PaymentsDatabase>;

export const LEDGER_TRANSACTION_KINDS = [
  'authorization',
  'capture',
  'void',
  'refund',
  'earning',
  'payout',
] as const;
export type LedgerTransactionKind = (typeof LEDGER_TRANSACTION_KINDS)[number];

/**
 * Accounts. A card hold is not money yet, so it lives on a memo pair (`card_holds` against
 * `card_holds_outstanding`). A capture is money the provider holds for us (`provider_receivable`) that we owe
 * to the stay (`guest_prepayments`, a liability). A refund gives some of it back. Once the stay has begun it is
 * earned: the host's share becomes `host_payable`, the fees `platform_revenue`; the payout then moves the
 * host's share out of the provider balance.
 */
export const LedgerAccount = {
  CARD_HOLDS: 'card_holds',
  CARD_HOLDS_OUTSTANDING: 'card_holds_outstanding',
  PROVIDER_RECEIVABLE: 'provider_receivable',
  GUEST_PREPAYMENTS: 'guest_prepayments',
  HOST_PAYABLE: 'host_payable',
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
};
