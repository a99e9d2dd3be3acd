import { Connection, WorkflowClient, WorkflowNotFoundError } from '@temporalio/client';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { dropDatabase, ensureDatabase } from '@kvartirnsk/lib/postgres';
import { Redis } from '@kvartirnsk/lib/redis';

// Empty databases for a run of the whole app beside the development stack (scripts/test's browser journeys and
// API fuzzing): every Postgres and MongoDB database named in the environment is dropped and the Postgres ones
// created again, the search index (SEARCH_INDEX, an alias, and the indices behind it) deleted for the search
// service to create afresh, the run's Redis keys (REDIS_KEY_PREFIX: sessions, rate limits, sign-in lockouts the
// last run's fuzzing earned) deleted, so no state of an earlier run (a blocked demo account, a half-made listing) leaks into this one.
// The run has a Temporal namespace of its own: workflows an earlier run left running there (a request waiting for
// its host, a stay waiting for check-out) are terminated, or they would wake up against the new databases.
async function main() {
  const postgres = Object.entries(process.env)
    .filter(([name]) => name.endsWith('_DATABASE_URL'))
    .map(([, url]) => url!);
  for (const url of postgres) {
    await dropDatabase(url);
    await ensureDatabase(url);
  }
  const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
  const mongo = Object.entries(process.env)
    .filter(([name]) => /^(LISTINGS|MESSAGING|REVIEWS)_DATABASE$/.test(name))
    .map(([, name]) => name!);
  for (const name of mongo) {
    const connection = await connectMongo(mongoUrl, name);
    await connection.dropDatabase();
    await connection.close();
  }
  const searchIndices = await deleteSearchIndex();
  const redisKeys = await deleteRedisKeys();
  const terminated = await terminateRunningWorkflows();
  console.log(
    `${terminated} running workflows terminated, ${redisKeys} Redis keys deleted; fresh databases: ${[...postgres.map((url) => new URL(url).pathname.slice(1)), ...mongo, ...searchIndices].join(', ')}`,
  );
}

async function deleteSearchIndex(): Promise<string[]> {
  const alias = process.env.SEARCH_INDEX;
  if (!alias) return [];
  const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
  try {
    const indices = (await client.indices.existsAlias({ name: alias }))
      ? Object.keys(await client.indices.getAlias({ name: alias }))
      : (await client.indices.exists({ index: alias }))
        ? [alias]
        : [];
    if (indices.length > 0) await client.indices.delete({ index: indices });
    return indices;
  } finally {
    await client.close();
  }
}

async function deleteRedisKeys(): Promise<number> {
  const prefix = process.env.REDIS_KEY_PREFIX;
  // The development stack's own keys ('kv:') are never the run's.
  if (!prefix || prefix === 'kv:') throw new Error("REDIS_KEY_PREFIX must name the run's own prefix");
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<
      string[]
    >) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

async function terminateRunningWorkflows(): Promise<number> {
  const namespace = process.env.TEMPORAL_NAMESPACE;
  if (!namespace || namespace === 'default')
    throw new Error("TEMPORAL_NAMESPACE must name the run's own namespace");
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new WorkflowClient({ connection, namespace });
  let terminated = 0;
  for await (const run of client.list({ query: 'ExecutionStatus = "Running"' })) {
    try {
      await client
        .getHandle(run.workflowId, run.runId)
        .terminate('a fresh run of the whole app (scripts/test)');
      terminated += 1;
    } catch (err) {
      // It finished between the listing and now.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  await connection.close();
  return terminated;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
