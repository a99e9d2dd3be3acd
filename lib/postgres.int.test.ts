import { createDb, sql } from './postgres';
import { TEST_POSTGRES_URL } from './testing';

// The server ending our connections (a restart, a failover, an administrator) must not end the process: the
// pool drops the lost connection and the next query connects afresh. (A query sent in the instant between the
// server ending a connection and the client reading that it did fails, as any query in flight would.)
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

it('outlives the server ending its connections, idle or checked out', async () => {
  const lost: Error[] = [];
  const db = createDb<object>({
    url: TEST_POSTGRES_URL,
    poolSize: 2,
    applicationName: 'lib-postgres-connection-lost',
    onConnectionLost: (err) => lost.push(err),
  });
  const admin = createDb<object>({ url: TEST_POSTGRES_URL, poolSize: 1 });
  const terminateOurs = () =>
    sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'lib-postgres-connection-lost'`.execute(admin);
  try {
    await sql`SELECT 1`.execute(db);
    await terminateOurs();
    await settle();
    // A transaction holding its connection while the server ends it.
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        await terminateOurs();
        await settle();
        await sql`SELECT 1`.execute(trx);
      }),
    ).rejects.toThrow();
    await settle();

    const { rows } = await sql<{ answer: number }>`SELECT 42 AS answer`.execute(db);
    expect(rows).toEqual([{ answer: 42 }]);
    expect(lost.length).toBeGreaterThan(0);
  } finally {
    await db.destroy();
    await admin.destroy();
  }
});
