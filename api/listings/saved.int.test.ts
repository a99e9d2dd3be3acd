import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { listingModel, type ListingModel } from '@kvartirnsk/activities/listings/listing';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createListingsApp } from './app';
import { LocalPhotoStorage } from './photos';
import { MAX_SAVED_LISTINGS, savedListingModel } from './saved';

// The real app on FerretDB. Saved listings never call Temporal, so the app gets none.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';

let connection: Connection;
let Listing: ListingModel;
let app: ReturnType<typeof createListingsApp>;

beforeAll(async () => {
  connection = await connectMongo(MONGO_URL, `test_saved_${randomUUID().slice(0, 8)}`);
  Listing = listingModel(connection);
  await Listing.init();
  await savedListingModel(connection).init();
  app = createListingsApp({
    Listing,
    temporal: {} as Client,
    photos: new LocalPhotoStorage('/nonexistent'),
    logger: createLogger('saved-test', 'silent'),
    settings: {
      policy: { autoPublish: 'trusted_hosts', escalateAfter: '1 day' },
      nightlyPriceRange: { min: 50_000, max: 50_000_000 },
      photoBaseUrl: '/api/listings/photos',
      maxPhotoBytes: 1_000_000,
    },
  });
}, 60_000);

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

const guest = () => identityHeaders({ userId: `guest-${randomUUID()}`, roles: ['guest'] });

/** A listing as the moderation workers leave it: published, or (`published: false`) a draft only. */
async function listing({
  published = true,
  title = 'Квартира у парка',
  hostId = 'host-1',
} = {}): Promise<string> {
  const id = randomUUID();
  const snapshot = publishedListingSchema.parse({
    listingId: id,
    hostId,
    revision: 1,
    type: 'flat',
    title,
    city: 'Казань',
    location: { lat: 55.79, lon: 49.12 },
    maxGuests: 2,
    currency: 'RUB',
    nightlyPrice: 350_000,
    publishedAt: '2026-11-01T10:00:00.000Z',
  });
  await Listing.create({
    _id: id,
    hostId,
    draft: {},
    photos: [],
    revision: 1,
    contentRevision: 1,
    published: published ? snapshot : null,
    moderation: { contentRevision: 1, status: published ? 'approved' : 'checking', failures: [] },
    pendingEvents: [],
  });
  return id;
}

const save = (headers: Record<string, string>, id: string) =>
  request(app).put(`/listings/${id}/saved`).set(headers);
const saved = (headers: Record<string, string>, query: Record<string, string | number> = {}) =>
  request(app).get('/listings/saved').query(query).set(headers);

it('saves a published listing once, however often it is saved, and shows it as guests see it', async () => {
  const me = guest();
  const id = await listing({ title: 'Лофт на Баумана' });

  const first = await save(me, id);
  const before = await saved(me);
  const again = await save(me, id);
  const after = await saved(me);

  expect([first.status, again.status]).toEqual([204, 204]);
  expect(after.status).toBe(200);
  expect(after.body.items).toHaveLength(1);
  expect(after.body.items[0]).toMatchObject({
    listingId: id,
    listing: { listingId: id, title: 'Лофт на Баумана' },
  });
  expect(after.body.items[0].savedAt).toBe(before.body.items[0].savedAt);
  expect(after.body.next).toBeNull();
});

it('keeps one save of a listing that is saved many times at once', async () => {
  const me = guest();
  const id = await listing();

  const answers = await Promise.all(Array.from({ length: 10 }, () => save(me, id)));

  expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(204));
  expect((await saved(me)).body.items.map((item: { listingId: string }) => item.listingId)).toEqual([id]);
});

it("keeps each user's saved listings apart and takes one off, twice without complaint", async () => {
  const me = guest();
  const someoneElse = guest();
  const [kept, removed] = [await listing(), await listing()];
  await save(me, kept);
  await save(me, removed);
  await save(someoneElse, removed);

  const first = await request(app).delete(`/listings/${removed}/saved`).set(me);
  const second = await request(app).delete(`/listings/${removed}/saved`).set(me);

  expect([first.status, second.status]).toEqual([204, 204]);
  expect((await saved(me)).body.items.map((item: { listingId: string }) => item.listingId)).toEqual([kept]);
  expect((await saved(someoneElse)).body.items.map((item: { listingId: string }) => item.listingId)).toEqual([
    removed,
  ]);
});

it('pages newest first with a cursor, and says which of some listings are saved', async () => {
  const me = guest();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push(await listing());
    await save(me, ids.at(-1)!);
  }

  const pages: string[][] = [];
  let cursor: string | null | undefined;
  do {
    const res = await saved(me, { limit: 2, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    pages.push(res.body.items.map((item: { listingId: string }) => item.listingId));
    cursor = res.body.next;
  } while (cursor);
  const notSaved = randomUUID();
  const some = await saved(me, { ids: [ids[1], notSaved, ids[3]].join(',') });

  expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
  expect(some.body.items.map((item: { listingId: string }) => item.listingId).sort()).toEqual(
    [ids[1], ids[3]].sort(),
  );
});

it('keeps a saved listing its host took off, without its content, and saves only published ones', async () => {
  const me = guest();
  const id = await listing();
  await save(me, id);
  await Listing.updateOne({ _id: id }, { $set: { published: null } });

  const list = await saved(me);
  const draft = await save(me, await listing({ published: false }));
  const unknown = await save(me, randomUUID());

  expect(list.body.items).toEqual([{ listingId: id, savedAt: expect.any(String), listing: null }]);
  expect([draft.status, unknown.status]).toEqual([404, 404]);
  expect(draft.headers['content-type']).toMatch(/^application\/problem\+json/);
});

it(`saves at most ${MAX_SAVED_LISTINGS} listings`, async () => {
  const userId = `guest-${randomUUID()}`;
  const me = identityHeaders({ userId, roles: ['guest'] });
  const savedAt = new Date();
  await savedListingModel(connection).insertMany(
    Array.from({ length: MAX_SAVED_LISTINGS }, () => {
      const listingId = randomUUID();
      return { _id: `${userId}:${listingId}`, userId, listingId, savedAt };
    }),
  );

  const res = await save(me, await listing());

  expect(res.status).toBe(409);
  expect(res.body.type).toMatch(/saved-limit$/);
});

it('tells a host how many saved each of their listings, and nothing about the listings of others', async () => {
  const hostId = `host-${randomUUID()}`;
  const host = identityHeaders({ userId: hostId, roles: ['guest', 'host'] });
  const [popular, quiet, others] = [
    await listing({ hostId }),
    await listing({ hostId }),
    await listing({ hostId: 'someone-else' }),
  ];
  for (const guestHeaders of [guest(), guest(), guest()]) await save(guestHeaders, popular);
  await save(guest(), others);
  const counts = (headers: Record<string, string>) =>
    request(app)
      .get('/listings/saved/counts')
      .query({ ids: [popular, quiet, others].join(',') })
      .set(headers);

  const asHost = await counts(host);
  const asAdmin = await counts(identityHeaders({ userId: 'admin-1', roles: ['admin'] }));
  const asGuest = await counts(guest());

  expect(asHost.status).toBe(200);
  expect(asHost.body.counts).toEqual({ [popular]: 3, [quiet]: 0 });
  expect(asAdmin.body.counts).toEqual({ [popular]: 3, [quiet]: 0, [others]: 1 });
  expect(asGuest.status).toBe(403);
});

it('answers bad input with a problem naming the field, and asks for a signed-in user', async () => {
  const me = guest();

  const badId = await save(me, 'not-a-uuid');
  const badCursor = await saved(me, { cursor: 'Zm9yZ2Vk' });
  const badIds = await saved(me, { ids: 'a,b' });
  const anonymous = await request(app).get('/listings/saved');

  expect(badId.status).toBe(400);
  expect(badId.body.errors[0].field).toBe('id');
  expect(badCursor.status).toBe(400);
  expect(badCursor.body.errors[0].field).toBe('cursor');
  expect(badIds.status).toBe(400);
  expect(badIds.body.errors[0].field).toMatch(/^ids/);
  expect(anonymous.status).toBe(401);
});
