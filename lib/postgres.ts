import { Kysely, PostgresDialect, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';

// BIGINT columns hold kopecks; parse them as JS numbers (safe up to 2^53) rather than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// DATE columns are calendar dates (check-in, check-out): keep them as YYYY-MM-DD strings, never shifted by a zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export { sql, type Kysely, type Migration };

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** Told of each connection the server ended (see below); nothing by default. */
  onConnectionLost?: (err: Error) => void;
}

export function createDb<Database>({
  url,
  poolSize = 10,
  applicationName,
  onConnectionLost = () => undefined,
}: PostgresOptions): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName });
  // A connection the server ends (a restart, a failover) is an 'error' event: on the pool while the client is
  // idle, on the client while checked out between queries. Unheard, it would end the process; the pool drops
  // that client and the next query connects afresh (a query in flight fails, and its caller retries).
  pool.on('error', onConnectionLost);
  pool.on('connect', (client) => client.on('error', onConnectionLost));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Migrations live in code, keyed by a sortable name, so a service carries its own schema. */
class InlineMigrations implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

export async function migrateToLatest<Database>(
  db: Kysely<Database>,
  migrations: Record<string, Migration>,
): Promise<void> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: new InlineMigrations(migrations) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}

/** Runs `fn` on the server's maintenance database with the name of the database `url` points at. */
async function withMaintenanceClient(url: string, fn: (client: pg.Client, name: string) => Promise<void>) {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await fn(client, name);
  } finally {
    await client.end();
  }
}

export function ensureDatabase(url: string): Promise<void> {
  return withMaintenanceClient(url, async (client, name) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
}

export function dropDatabase(url: string): Promise<void> {
  return withMaintenanceClient(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/** Postgres SQLSTATE codes we turn into business outcomes. */
export const PG_EXCLUSION_VIOLATION = '23P01';
export const PG_UNIQUE_VIOLATION = '23505';

export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}
