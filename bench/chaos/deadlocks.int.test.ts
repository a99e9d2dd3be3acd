import { sql } from '@kvartirnsk/lib/postgres';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { noDeadlocks } from './invariants';

let testDb: TestDatabase<unknown>;
beforeAll(async () => {
  testDb = await createTestDatabase('chaos_deadlocks', {});
  await sql`CREATE TABLE turns (id int PRIMARY KEY, n int NOT NULL)`.execute(testDb.db);
  await sql`INSERT INTO turns VALUES (1, 0), (2, 0)`.execute(testDb.db);
});
afterAll(() => testDb.drop());

it('counts a deadlock Postgres broke in the databases it is given', async () => {
  await expect(noDeadlocks({ fresh: testDb.db })).resolves.toMatchObject({ ok: true, violations: 0 });

  // Two transactions take the same two rows in opposite orders, each waiting for the other's first.
  let bothHoldTheirFirst!: () => void;
  const firstRowsTaken = new Promise<void>((resolve) => (bothHoldTheirFirst = resolve));
  let taken = 0;
  const crossing = ([first, second]: [number, number]) =>
    testDb.db.transaction().execute(async (trx) => {
      await sql`UPDATE turns SET n = n + 1 WHERE id = ${first}`.execute(trx);
      if (++taken === 2) bothHoldTheirFirst();
      await firstRowsTaken;
      await sql`UPDATE turns SET n = n + 1 WHERE id = ${second}`.execute(trx);
    });
  const outcomes = await Promise.allSettled([crossing([1, 2]), crossing([2, 1])]);
  expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);

  // The backend that broke it reports to the statistics at its next flush, within seconds.
  const counted = await eventually(
    () => noDeadlocks({ fresh: testDb.db }),
    (invariant) => invariant.violations > 0,
    { timeoutMs: 20_000, intervalMs: 500 },
  );
  expect(counted).toMatchObject({ ok: false, violations: 1, examples: ['fresh: 1'] });
}, 30_000);
