import { sql } from 'kysely';
import type { Money } from '@kvartirnsk/lib/money';
import { LedgerAccount, type LedgerTransactionKind, type PaymentsDb } from './schema';

export interface LedgerPosting {
  idempotencyKey: string;
  kind: LedgerTransactionKind;
  bookingId: string;
  paymentIntentId?: string;
  /** Debits positive, credits negative; they must sum to zero per currency. */
  entries: Array<{ account: LedgerAccount; amount: Money }>;
}

export class UnbalancedPostingError extends Error {
  override readonly name = 'UnbalancedPostingError';
}

/**
 * Records one balanced transaction, once per idempotency key: a second call with the same key is a no-op.
 * Says whether this call recorded it, so what happens once per movement (counting it) is not repeated.
 */
export async function post(db: PaymentsDb, posting: LedgerPosting): Promise<boolean> {
  const totals = new Map<string, number>();
  for (const { amount } of posting.entries)
    totals.set(amount.currency, (totals.get(amount.currency) ?? 0) + amount.amount);
  if ([...totals.values()].some((total) => total !== 0)) {
    throw new UnbalancedPostingError(`Posting ${posting.idempotencyKey} does not balance`);
  }
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('ledger_transactions')
      .values({
        idempotency_key: posting.idempotencyKey,
        kind: posting.kind,
        booking_id: posting.bookingId,
        payment_intent_id: posting.paymentIntentId ?? null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await trx
      .insertInto('ledger_entries')
      .values(
        posting.entries.map(({ account, amount }) => ({
          transaction_id: inserted.id,
          account,
          amount: amount.amount,
          currency: amount.currency,
        })),
      )
      .execute();
    return true;
  });
}

/** The kinds of a booking's ledger transactions in the order they were posted: its money trail at a glance. */
export async function transactionKindsOf(
  db: PaymentsDb,
  bookingId: string,
): Promise<LedgerTransactionKind[]> {
  const rows = await db
    .selectFrom('ledger_transactions')
    .select('kind')
    .where('booking_id', '=', bookingId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => row.kind);
}

/** Moves `amount` from one account to another: one debit, one credit. */
export function transfer(
  debit: LedgerAccount,
  credit: LedgerAccount,
  amount: Money,
): LedgerPosting['entries'] {
  return [
    { account: debit, amount },
    { account: credit, amount: { amount: -amount.amount, currency: amount.currency } },
  ];
}

/**
 * What can still be refunded of a booking's captured payment: captured, minus refunds posted, minus refunds
 * reserved and not yet posted (under way at the provider).
 */
export async function refundableOf(
  db: PaymentsDb,
  bookingId: string,
): Promise<{ paymentIntentId: string | null; refundable: number }> {
  const { rows } = await sql<{ payment_intent_id: string | null; refundable: number }>`
    SELECT
      (SELECT payment_intent_id FROM ledger_transactions
        WHERE booking_id = ${bookingId} AND kind = 'capture' ORDER BY created_at LIMIT 1) AS payment_intent_id,
      coalesce((SELECT sum(e.amount) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE t.booking_id = ${bookingId} AND t.kind IN ('capture', 'refund')
          AND e.account = ${LedgerAccount.PROVIDER_RECEIVABLE}), 0)
      - coalesce((SELECT sum(r.amount) FROM refund_reservations r
        WHERE r.booking_id = ${bookingId}
          AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = r.idempotency_key)), 0)
      AS refundable
  `.execute(db);
  const row = rows[0];
  return { paymentIntentId: row?.payment_intent_id ?? null, refundable: Number(row?.refundable ?? 0) };
}

/**
 * Claims `amount` of a booking's captured money for the refund with this key, or says how much is left.
 * Concurrent refunds of one booking queue on a lock of its capture, so each sees the others' claims: together
 * they never exceed what was captured. A retried refund finds its own claim and keeps it.
 */
export async function reserveRefund(
  db: PaymentsDb,
  reservation: { idempotencyKey: string; bookingId: string; amount: Money },
): Promise<{ reserved: true } | { reserved: false; refundable: number }> {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('ledger_transactions')
      .select('id')
      .where('booking_id', '=', reservation.bookingId)
      .where('kind', '=', 'capture')
      .forUpdate()
      .execute();
    const own = await trx
      .selectFrom('refund_reservations')
      .select('idempotency_key')
      .where('idempotency_key', '=', reservation.idempotencyKey)
      .executeTakeFirst();
    if (own) return { reserved: true };
    const { refundable } = await refundableOf(trx, reservation.bookingId);
    if (reservation.amount.amount > refundable) return { reserved: false, refundable };
    await trx
      .insertInto('refund_reservations')
      .values({
        idempotency_key: reservation.idempotencyKey,
        booking_id: reservation.bookingId,
        amount: reservation.amount.amount,
        currency: reservation.amount.currency,
      })
      .execute();
    return { reserved: true };
  });
}
