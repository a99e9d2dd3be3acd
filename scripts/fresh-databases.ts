import { connectMongo } from '@kvartirnsk/lib/mongo';
import { dropDatabase, ensureDatabase } from '@kvartirnsk/lib/postgres';

// Empty databases for a run of the whole app beside the development stack (scripts/test's browser journeys and
// API fuzzing): every Postgres and MongoDB database named in the environment is dropped and the Postgres ones
// created again, so no state of an earlier run (a blocked demo account, a half-made listing) leaks into this one.
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
  console.log(
    `fresh databases: ${[...postgres.map((url) => new URL(url).pathname.slice(1)), ...mongo].join(', ')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
