import type { Money } from '@kvartirnsk/lib/money';
import type { LedgerAccount, LedgerTransactionKind, PaymentsDb } from './schema';

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

/** Records one balanced transaction, once per idempotency key: a second call with the same key is a no-op. */
export async function post(db: PaymentsDb, posting: LedgerPosting): Promise<void> {
  const totals = new Map<string, number>();
  for (const { amount } of posting.entries)
    totals.set(amount.currency, (totals.get(amount.currency) ?? 0) + amount.amount);
  if ([...totals.values()].some((total) => total !== 0)) {
    throw new UnbalancedPostingError(`Posting ${posting.idempotencyKey} does not balance`);
  }
  await db.transaction().execute(async (trx) => {
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
    if (!inserted) return;
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
