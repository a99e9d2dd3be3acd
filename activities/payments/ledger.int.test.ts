import { sql } from 'kysely';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { post, transfer, UnbalancedPostingError } from './ledger';
import { LedgerAccount, paymentsMigrations, type PaymentsDatabase } from './schema';

let testDb: TestDatabase<PaymentsDatabase>;

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('ledger', paymentsMigrations);
});

afterAll(async () => {
  await testDb?.drop();
});

it('refuses an unbalanced posting before it reaches the database', async () => {
  await expect(
    post(testDb.db, {
      idempotencyKey: 'k1',
      kind: 'capture',
      bookingId: 'x',
      entries: [{ account: LedgerAccount.PROVIDER_RECEIVABLE, amount: money(100) }],
    }),
  ).rejects.toThrow(UnbalancedPostingError);
});

it('has the database refuse unbalanced entries whatever code wrote them', async () => {
  const write = testDb.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('ledger_transactions')
      .values({ idempotency_key: 'k2', kind: 'capture', booking_id: 'x', payment_intent_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('ledger_entries')
      .values({
        transaction_id: id,
        account: LedgerAccount.PROVIDER_RECEIVABLE,
        amount: 100,
        currency: 'RUB',
      })
      .execute();
  });

  await expect(write).rejects.toThrow(/does not balance/);
  const { count } = await sql<{ count: number }>`SELECT count(*)::int AS count FROM ledger_transactions`
    .execute(testDb.db)
    .then((r) => r.rows[0]!);
  expect(count).toBe(0);
});

it('records a posting once per idempotency key', async () => {
  const posting = {
    idempotencyKey: 'k3',
    kind: 'authorization' as const,
    bookingId: 'y',
    entries: transfer(LedgerAccount.CARD_HOLDS, LedgerAccount.CARD_HOLDS_OUTSTANDING, money(250_000)),
  };
  expect(await post(testDb.db, posting)).toBe(true);
  expect(await post(testDb.db, posting)).toBe(false);

  const entries = await testDb.db
    .selectFrom('ledger_entries')
    .select(['account', 'amount'])
    .orderBy('id')
    .execute();
  expect(entries).toEqual([
    { account: 'card_holds', amount: 250_000 },
    { account: 'card_holds_outstanding', amount: -250_000 },
  ]);
});
