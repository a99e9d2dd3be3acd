import mongoose, { type Connection } from 'mongoose';

/**
 * A dedicated mongoose connection per service database. Code must run on FerretDB (local) and MongoDB
 * (compose), so it sticks to single-document atomic writes and plain indexes.
 */
export async function connectMongo(url: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

/** Mongo's duplicate-key error: the document this write would create exists already. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
