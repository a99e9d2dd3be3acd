import { randomBytes } from 'node:crypto';
import type { Migration } from 'kysely/migration';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { TEST_POSTGRES_URL, type TestDatabase } from '@kvartirnsk/lib/testing';

/**
 * A fresh, migrated database of the run on the stack's Postgres, like lib/testing's createTestDatabase, whose
 * connections the server ends (the Postgres restart) are reported to `onConnectionLost`.
 */
export async function createRunDatabase<Database>(
  service: string,
  migrations: Record<string, Migration>,
  onConnectionLost: (err: Error) => void,
): Promise<TestDatabase<Database>> {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/test_${service}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const db = createDb<Database>({
    url: url.toString(),
    poolSize: 5,
    applicationName: `chaos-${service}`,
    onConnectionLost,
  });
  await migrateToLatest(db, migrations);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}
