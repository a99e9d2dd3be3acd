import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { connectMongo } from './mongo';

// FerretDB (MongoDB wire protocol) from the local stack; real MongoDB in docker-compose.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

let connection: Connection;
const dbName = `test_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  connection = await connectMongo(MONGO_URL, dbName);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

it('stores and reads documents with the subset of MongoDB that FerretDB and MongoDB share', async () => {
  const Listing = connection.model(
    'Listing',
    new Schema({ title: { type: String, required: true }, nightlyPrice: Number, version: Number }),
  );
  await Listing.init();
  const created = await Listing.create({ title: 'Студия на Арбате', nightlyPrice: 650_000, version: 1 });

  // A conditional single-document update is the atomic write the services rely on.
  const updated = await Listing.findOneAndUpdate(
    { _id: created._id, version: 1 },
    { $set: { nightlyPrice: 700_000 }, $inc: { version: 1 } },
    { returnDocument: 'after' },
  ).lean();
  const stale = await Listing.findOneAndUpdate(
    { _id: created._id, version: 1 },
    { $set: { nightlyPrice: 1 } },
  );

  expect(updated).toMatchObject({ title: 'Студия на Арбате', nightlyPrice: 700_000, version: 2 });
  expect(stale).toBeNull();
  await expect(Listing.create({ nightlyPrice: 1 })).rejects.toThrow(/title/);
});

it('applies concurrent writes to one document from several connections, each whole (as MongoDB does)', async () => {
  // FerretDB 1.x alone loses most of these (query → modify → rewrite by id); the local stack serves it through
  // scripts/ferretdb's proxy, which takes turns with read-modify-write commands.
  const others = await Promise.all([1, 2, 3].map(() => connectMongo(MONGO_URL, dbName)));
  try {
    const connections = [connection, ...others];
    const counters = connections.map((c) =>
      c.collection<{ _id: string; items: number[]; n: number }>('counters'),
    );
    await counters[0]!.insertOne({ _id: 'c', items: [], n: 0 });
    const writes = 120;

    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        counters[i % counters.length]!.updateOne({ _id: 'c' }, { $push: { items: i }, $inc: { n: 1 } }),
      ),
    );

    const counter = await counters[0]!.findOne({ _id: 'c' });
    expect(counter?.n).toBe(writes);
    expect([...(counter?.items ?? [])].sort((a, b) => a - b)).toEqual(
      Array.from({ length: writes }, (_, i) => i),
    );
  } finally {
    await Promise.all(others.map((other) => other.close()));
  }
});
