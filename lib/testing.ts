import { randomBytes } from 'node:crypto';
import type { Migration } from 'kysely/migration';
import { createDb, dropDatabase, ensureDatabase, type Kysely, migrateToLatest } from './postgres';

/** The local stack's Postgres (scripts/stack); tests create and drop their own databases on it. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/postgres';

export interface TestDatabase<Database> {
  url: string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

/** A fresh, migrated database per test file, so files never see each other's rows. */
export async function createTestDatabase<Database>(
  service: string,
  migrations: Record<string, Migration>,
): Promise<TestDatabase<Database>> {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/test_${service}_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const db = createDb<Database>({ url: url.toString(), poolSize: 5, applicationName: `test-${service}` });
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

/** Polls until `probe` returns a value `accept` likes, or fails with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}` : ''}`,
  );
}
