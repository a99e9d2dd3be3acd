import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Channel } from 'amqplib';
import type { Connection } from 'mongoose';
import sharp from 'sharp';
import request from 'supertest';
import { createListingActivities } from '@kvartirnsk/activities/listings/activities';
import { listingModel, type ListingModel } from '@kvartirnsk/activities/listings/listing';
import {
  ANALYTICS_CONTRACT_EVENTS,
  type BestEffortPublisher,
  listingViewedSchema,
  openBestEffortPublisher,
} from '@kvartirnsk/lib/analytics-events';
import {
  connectEventBus,
  DOMAIN_EXCHANGE,
  type DomainEvent,
  domainEvent,
  type EventBus,
} from '@kvartirnsk/lib/events';
import { identityHeaders, type Role } from '@kvartirnsk/lib/identity';
import {
  LISTING_EVENTS,
  type PublishedListing,
  publishedListingSchema,
} from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { MongoOutboxRelay } from '@kvartirnsk/lib/mongo-outbox';
import { eventually } from '@kvartirnsk/lib/testing';
import { connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  PHOTO_URLS,
  SCENARIO_RULES,
  tableCityContains,
} from '@kvartirnsk/workflows/moderation/moderation-scenarios';
import type { z } from 'zod';
import { createListingsApp } from './app';
import type { listingViewSchema } from './openapi';
import { LocalPhotoStorage } from './photos';

// The real app on the local stack: FerretDB, the Temporal dev server (test namespace, a moderation worker on
// a queue of this file's own), RabbitMQ with a queue of its own bound to the events exchange.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MAX_PHOTO_BYTES = 300_000;
const logger = createLogger('listings-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const taskQueue = `moderation-test-${randomUUID()}`;
const eventsQueue = `test.listings.${randomUUID()}`;

let connection: Connection;
let Listing: ListingModel;
let temporal: Client;
let workers: { stop(): Promise<void> };
let bus: EventBus;
let consumer: Channel;
let relay: MongoOutboxRelay;
let analytics: BestEffortPublisher;
let photoDir: string;
let app: ReturnType<typeof createListingsApp>;
const received: DomainEvent[] = [];

beforeAll(async () => {
  connection = await connectMongo(MONGO_URL, `test_listings_${randomUUID().slice(0, 8)}`);
  Listing = listingModel(connection);
  await Listing.init();
  temporal = await connectTestClient();
  workers = await startTestWorkers([
    {
      taskQueue,
      workflowsPath: require.resolve('@kvartirnsk/workflows/moderation/index'),
      activities: createListingActivities({
        Listing,
        cityContains: tableCityContains,
        rules: SCENARIO_RULES,
        urls: PHOTO_URLS,
      }),
    },
  ]);
  bus = await connectEventBus(RABBITMQ_URL);
  consumer = await bus.connection.createChannel();
  await consumer.assertQueue(eventsQueue, { exclusive: true, autoDelete: true });
  await consumer.bindQueue(eventsQueue, DOMAIN_EXCHANGE, 'listing.#');
  await consumer.consume(eventsQueue, (message) => {
    if (!message) return;
    received.push(JSON.parse(message.content.toString('utf8')) as DomainEvent);
    consumer.ack(message);
  });
  relay = new MongoOutboxRelay({ models: [Listing], channel: bus.channel, logger, intervalMs: 100 });
  relay.start();
  analytics = await openBestEffortPublisher(bus, logger);
  photoDir = await mkdtemp(path.join(tmpdir(), 'listings-photos-'));
  app = createListingsApp({
    Listing,
    temporal,
    photos: new LocalPhotoStorage(photoDir),
    logger,
    settings: {
      policy: { autoPublish: 'trusted_hosts', escalateAfter: '1 day' },
      nightlyPriceRange: SCENARIO_RULES.nightlyPriceRange,
      photoBaseUrl: PHOTO_URLS.photoBaseUrl,
      maxPhotoBytes: MAX_PHOTO_BYTES,
      moderationTaskQueue: taskQueue,
    },
    eventsWritten: () => relay.wake(),
    analytics,
  });
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await analytics?.close();
  await consumer?.close();
  await bus?.close();
  await workers?.stop();
  await temporal?.connection.close();
  await connection?.dropDatabase();
  await connection?.close();
  if (photoDir) await rm(photoDir, { recursive: true, force: true });
});

const as = (userId: string, ...roles: Role[]) => identityHeaders({ userId, roles });
const admin = as('admin-1', 'admin');

function newListing(overrides: Record<string, unknown> = {}) {
  return {
    type: 'flat',
    title: 'Студия на Арбате',
    titleEn: 'Studio on Arbat',
    description: 'Светлая студия в пяти минутах от метро, с рабочим местом и кухней.',
    city: 'Москва',
    address: 'ул. Арбат, 10',
    location: { lat: 55.7522, lon: 37.5929 },
    timeZone: 'Europe/Moscow',
    maxGuests: 2,
    bedrooms: 1,
    beds: 1,
    bathrooms: 1,
    amenities: ['wifi', 'kitchen'],
    houseRules: 'Не курить.',
    checkInTime: '14:00',
    checkOutTime: '12:00',
    nightlyPrice: 650_000,
    weekendPrice: 780_000,
    cleaningFee: 150_000,
    minNights: 1,
    maxNights: 30,
    cancellationPolicy: 'flexible',
    instantBook: true,
    ...overrides,
  };
}

const jpeg = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 60 } } })
    .jpeg()
    .toBuffer();

async function createListing(hostId: string, overrides: Record<string, unknown> = {}) {
  const res = await request(app).post('/listings').set(as(hostId, 'host')).send(newListing(overrides));
  expect(res.status).toBe(201);
  return res.body as { id: string; contentRevision: number };
}

async function uploadPhoto(listingId: string, hostId: string) {
  const res = await request(app)
    .post(`/listings/${listingId}/photos`)
    .set(as(hostId, 'host'))
    .attach('photo', await jpeg(), { filename: 'flat.jpg', contentType: 'image/jpeg' });
  expect(res.status).toBe(201);
  return res.body as { photos: Array<{ id: string; url: string; thumbnailUrl: string }> };
}

type ListingView = z.infer<typeof listingViewSchema>;

const ownerView = async (listingId: string, hostId: string) =>
  (await request(app).get(`/listings/${listingId}`).set(as(hostId, 'host'))).body as ListingView;

const moderationOf = (listingId: string, hostId: string, status: string) =>
  eventually(
    () => ownerView(listingId, hostId),
    (view) => view.moderation?.status === status,
  );

const eventsOf = (listingId: string) =>
  received.filter((event) => event.data.listingId === listingId).map((event) => event.type);

/**
 * The listing.viewed events received so far for a listing. A marker sent last on the app's own channel
 * arrives after everything the app sent before it, so none is still on its way.
 */
async function viewsOf(listingId: string): Promise<DomainEvent[]> {
  const marker = domainEvent('listings-tests', ANALYTICS_CONTRACT_EVENTS.listingViewed, {
    listingId: randomUUID(),
  });
  analytics.publish(marker);
  await eventually(async () => received.some((event) => event.id === marker.id), Boolean);
  return received.filter(
    (event) => event.type === ANALYTICS_CONTRACT_EVENTS.listingViewed && event.data.listingId === listingId,
  );
}

describe('a host and an admin through moderation', () => {
  const host = `host-${randomUUID()}`;
  let listingId: string;

  it('saves a new listing as a draft that only its host and admins see', async () => {
    ({ id: listingId } = await createListing(host));

    const mine = await request(app).get('/listings/mine').set(as(host, 'host'));
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([listingId]);
    expect((await request(app).get(`/listings/${listingId}`)).status).toBe(404);
    expect((await request(app).get(`/listings/${listingId}`).set(as('someone', 'guest'))).status).toBe(404);
    const forAdmin = await request(app).get(`/listings/${listingId}`).set(admin);
    expect(forAdmin.body).toMatchObject({ id: listingId, hostId: host, published: null });
  });

  it('stores an uploaded photo re-encoded, with a thumbnail, and serves both', async () => {
    const view = await uploadPhoto(listingId, host);

    expect(view.photos).toHaveLength(1);
    const [photo] = view.photos;
    const file = photo!.url.split('/').at(-1)!;
    const full = await request(app).get(`/listings/photos/${file}`).buffer(true);
    const thumbnail = await request(app)
      .get(`/listings/photos/${photo!.thumbnailUrl.split('/').at(-1)}`)
      .buffer(true);
    expect(full.headers['content-type']).toBe('image/webp');
    expect(await sharp(full.body as Buffer).metadata()).toMatchObject({
      format: 'webp',
      width: 800,
      height: 600,
    });
    expect(await sharp(thumbnail.body as Buffer).metadata()).toMatchObject({ width: 480, height: 360 });
  });

  it('waits for an admin (a new host is not trusted yet), who finds it in the queue and approves it', async () => {
    await moderationOf(listingId, host, 'awaiting_review');
    const queue = await request(app).get('/listings/moderation').set(admin);
    expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(listingId);
    expect((await request(app).get('/listings/moderation').set(as(host, 'host'))).status).toBe(403);
    expect((await request(app).post(`/listings/${listingId}/approve`).set(as(host, 'host'))).status).toBe(
      403,
    );

    const approved = await request(app).post(`/listings/${listingId}/approve`).set(admin).send({});

    expect(approved.status).toBe(200);
    expect(approved.body.moderation).toMatchObject({
      status: 'approved',
      verdict: { by: 'admin', adminId: 'admin-1' },
    });
    const publicView = await request(app).get(`/listings/${listingId}`);
    expect(publishedListingSchema.parse(publicView.body)).toMatchObject({
      listingId,
      title: 'Студия на Арбате',
    });
    await eventually(
      async () => eventsOf(listingId),
      (types) => types.includes(LISTING_EVENTS.published),
    );
    const again = await request(app).post(`/listings/${listingId}/approve`).set(admin).send({});
    expect(again.status).toBe(409);
  });

  it('reports a view of the public page by a guest or a visitor, never by its host or an admin', async () => {
    const before = await viewsOf(listingId);
    for (const viewer of [as(host, 'host'), admin, as('guest-1', 'guest'), {}]) {
      expect((await request(app).get(`/listings/${listingId}`).set(viewer)).status).toBe(200);
    }

    const views = (await viewsOf(listingId)).slice(before.length);
    expect(views.map(({ version, source, data }) => ({ version, source, data }))).toEqual([
      { version: 1, source: 'listings', data: { listingId } },
      { version: 1, source: 'listings', data: { listingId } },
    ]);
    expect(listingViewedSchema.parse(views[0]!.data)).toEqual(views[0]!.data);
  });

  it('sends a price or calendar change of a published listing to guests at once, as listing.updated', async () => {
    const before = await ownerView(listingId, host);

    const res = await request(app)
      .patch(`/listings/${listingId}`)
      .set(as(host, 'host'))
      .send({ nightlyPrice: 700_000, calendarBlocks: [{ from: '2027-03-01', to: '2027-03-08' }] });

    expect(res.status).toBe(200);
    expect(res.body.contentRevision).toBe(before.contentRevision);
    expect(res.body.published).toMatchObject({ nightlyPrice: 700_000, revision: before.revision + 1 });
    const updated = await eventually(
      async () =>
        received.find((event) => event.type === LISTING_EVENTS.updated && event.data.listingId === listingId),
      Boolean,
    );
    expect(updated?.data).toMatchObject({
      nightlyPrice: 700_000,
      calendarBlocks: [{ from: '2027-03-01', to: '2027-03-08' }],
    });
  });

  it('re-moderates a text edit of a trusted host and publishes the new revision', async () => {
    const before = await ownerView(listingId, host);

    const res = await request(app)
      .patch(`/listings/${listingId}`)
      .set(as(host, 'host'))
      .send({ title: 'Студия у Арбата' });

    expect(res.body.contentRevision).toBe(before.contentRevision + 1);
    expect(res.body.published.title).toBe('Студия на Арбате');
    await moderationOf(listingId, host, 'approved');
    const published = await eventually(
      async () =>
        received.filter(
          (event) => event.type === LISTING_EVENTS.published && event.data.listingId === listingId,
        ),
      (events) => events.length === 2,
    );
    expect(published.map((event) => [event.data.title, event.data.revision])).toEqual([
      ['Студия на Арбате', before.revision - 1],
      ['Студия у Арбата', before.revision + 2],
    ]);
  });

  it('exports published listings in pages by id', async () => {
    await createListing(host);
    const first = await request(app).get('/listings/published?limit=1');
    const all: PublishedListing[] = [];
    let next: string | null = null;
    do {
      const res = await request(app).get(`/listings/published?limit=1${next ? `&after=${next}` : ''}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      next = res.body.next;
    } while (next);

    expect(Object.keys(first.body).sort()).toEqual(['items', 'next']);
    expect(all.map((item) => item.listingId)).toEqual([listingId]);
    expect(publishedListingSchema.parse(all[0])).toMatchObject({ title: 'Студия у Арбата' });
  });

  it('exports only the published listings asked for by id', async () => {
    const draft = (await createListing(host)).id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await request(app).get(`/listings/published?ids=${draft},${listingId},${unknown}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((item: PublishedListing) => item.listingId)).toEqual([listingId]);

    const bad = await request(app).get(`/listings/published?ids=${listingId},not-an-id`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('ids.1');
  });

  it('takes the listing out of search on unpublish, and brings it back through moderation on submit', async () => {
    const before = await ownerView(listingId, host);
    const byOther = await request(app)
      .post(`/listings/${listingId}/unpublish`)
      .set(as(`host-${randomUUID()}`, 'host'))
      .send({});

    const res = await request(app)
      .post(`/listings/${listingId}/unpublish`)
      .set(as(host, 'host'))
      .send({ reason: 'Ремонт' });

    expect(byOther.status).toBe(403);
    expect(res.body).toMatchObject({ published: null, moderation: { status: 'withdrawn' } });
    expect((await request(app).get(`/listings/${listingId}`)).status).toBe(404);
    expect((await request(app).get('/listings/published')).body.items).toEqual([]);
    const unpublished = await eventually(
      async () =>
        received.find(
          (event) => event.type === LISTING_EVENTS.unpublished && event.data.listingId === listingId,
        ),
      Boolean,
    );
    expect(unpublished?.data).toEqual({ listingId, reason: 'Ремонт' });
    expect((await request(app).post(`/listings/${listingId}/unpublish`).set(as(host, 'host'))).status).toBe(
      409,
    );

    const submitted = await request(app).post(`/listings/${listingId}/submit`).set(as(host, 'host'));
    expect(submitted.body.moderation.status).toBe('checking');
    // With nothing published the host is not trusted any more, so an admin looks again.
    await moderationOf(listingId, host, 'awaiting_review');
    await request(app).post(`/listings/${listingId}/approve`).set(admin).send({});
    // The approval returns once decided; publishing is the workflow's next step.
    const back = await eventually(
      () => request(app).get(`/listings/${listingId}`),
      (res) => res.status === 200,
    );
    expect(back.body).toMatchObject({ listingId, revision: before.revision + 2 });
  });
});

it('rejects with a reason the host reads, and keeps a rejection without reason out', async () => {
  const host = `host-${randomUUID()}`;
  const { id } = await createListing(host, {
    description: 'Уютная квартира у метро, пишите anna@mail.ru когда угодно.',
  });
  await uploadPhoto(id, host);
  const waiting = await moderationOf(id, host, 'awaiting_review');
  expect(waiting.moderation.failures).toEqual([
    expect.objectContaining({ check: 'contact_details', field: 'description' }),
  ]);

  const noReason = await request(app).post(`/listings/${id}/reject`).set(admin).send({});
  const rejected = await request(app)
    .post(`/listings/${id}/reject`)
    .set(admin)
    .send({ reason: 'Уберите e-mail' });

  expect(noReason.status).toBe(400);
  expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
  expect(rejected.body.moderation).toMatchObject({
    status: 'rejected',
    verdict: { reason: 'Уберите e-mail' },
  });
  const mine = await request(app).get('/listings/mine').set(as(host, 'host'));
  expect(mine.body.items[0].moderation.verdict.reason).toBe('Уберите e-mail');
  expect((await request(app).get(`/listings/${id}`)).status).toBe(404);
});

it('resubmits a revision whose moderation is not decided without starting a second one', async () => {
  const host = `host-${randomUUID()}`;
  const { id } = await createListing(host);
  await uploadPhoto(id, host);

  const submitted = await request(app).post(`/listings/${id}/submit`).set(as(host, 'host'));
  const waiting = await moderationOf(id, host, 'awaiting_review');

  expect(submitted.status).toBe(200);
  const running = temporal.workflow.list({
    query: `WorkflowId = '${waiting.moderation.workflowId}'`,
  });
  const runs = [];
  for await (const run of running) runs.push(run.runId);
  expect(runs).toHaveLength(1);
});

it('lets only the host or an admin change a listing', async () => {
  const host = `host-${randomUUID()}`;
  const other = as(`host-${randomUUID()}`, 'host');
  const { id } = await createListing(host);
  const { photos } = await uploadPhoto(id, host);

  const patch = await request(app).patch(`/listings/${id}`).set(other).send({ title: 'Моя теперь' });
  const upload = await request(app)
    .post(`/listings/${id}/photos`)
    .set(other)
    .attach('photo', await jpeg(), 'x.jpg');
  const remove = await request(app).delete(`/listings/${id}/photos/${photos[0]!.id}`).set(other);
  const byGuest = await request(app).post('/listings').set(as('guest-1', 'guest')).send(newListing());
  const byAdmin = await request(app)
    .patch(`/listings/${id}`)
    .set(admin)
    .send({ houseRules: 'Без вечеринок.' });

  expect([patch.status, upload.status, remove.status, byGuest.status]).toEqual([403, 403, 403, 403]);
  expect(patch.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(byAdmin.status).toBe(200);
});

it('reorders and removes photos, deleting files guests never saw', async () => {
  const host = `host-${randomUUID()}`;
  const { id } = await createListing(host);
  const first = (await uploadPhoto(id, host)).photos[0]!;
  const second = (await uploadPhoto(id, host)).photos[1]!;

  const reordered = await request(app)
    .put(`/listings/${id}/photos/order`)
    .set(as(host, 'host'))
    .send({ photoIds: [second.id, first.id] });
  const incomplete = await request(app)
    .put(`/listings/${id}/photos/order`)
    .set(as(host, 'host'))
    .send({ photoIds: [second.id] });
  const removed = await request(app).delete(`/listings/${id}/photos/${second.id}`).set(as(host, 'host'));

  expect(reordered.body.photos.map((p: { id: string }) => p.id)).toEqual([second.id, first.id]);
  expect(incomplete.status).toBe(400);
  expect(incomplete.body.errors[0].field).toBe('photoIds');
  expect(removed.body.photos.map((p: { id: string }) => p.id)).toEqual([first.id]);
  const files = await readdir(photoDir);
  expect(files).toContain(`${first.id}.webp`);
  expect(files).not.toContain(`${second.id}.webp`);
  expect(files).not.toContain(`${second.id}-thumb.webp`);
});

describe('bad input gets a 400 naming the field', () => {
  const host = `host-${randomUUID()}`;
  let id: string;

  beforeAll(async () => {
    ({ id } = await createListing(host));
  });

  const fieldsOf = (res: request.Response) =>
    (res.body as { errors?: Array<{ field: string }> }).errors?.map((error) => error.field);

  it.each([
    ['text that claims to be a JPEG', () => Buffer.from('not a photo at all'), 'image/jpeg'],
    [
      'an SVG (decodable, but not a photo format)',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"/>'),
      'image/svg+xml',
    ],
    ['a photo too small to show', () => jpeg(100, 80), 'image/jpeg'],
    ['a JPEG cut short', async () => (await jpeg()).subarray(0, 400), 'image/jpeg'],
    [
      'a photo over the size limit',
      () =>
        sharp(randomBytes(600 * 600 * 3), { raw: { width: 600, height: 600, channels: 3 } })
          .png()
          .toBuffer(),
      'image/png',
    ],
  ])('upload: %s', async (_what, file, contentType) => {
    const res = await request(app)
      .post(`/listings/${id}/photos`)
      .set(as(host, 'host'))
      .attach('photo', await file(), { filename: 'photo.jpg', contentType });

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res)).toEqual(['photo']);
  });

  it('upload without a file, or in another field', async () => {
    const none = await request(app).post(`/listings/${id}/photos`).set(as(host, 'host'));
    const elsewhere = await request(app)
      .post(`/listings/${id}/photos`)
      .set(as(host, 'host'))
      .attach('image', await jpeg(), 'photo.jpg');

    expect([none.status, elsewhere.status]).toEqual([400, 400]);
    expect([fieldsOf(none), fieldsOf(elsewhere)]).toEqual([['photo'], ['photo']]);
  });

  it.each([
    ['coordinates off the globe', { location: { lat: 123, lon: 37.6 } }, ['location.lat']],
    ['coordinates as text', { location: { lat: '55.7', lon: 37.6 } }, ['location.lat']],
    ['a fractional price', { nightlyPrice: 6500.5 }, ['nightlyPrice']],
    ['an unknown type and amenity', { type: 'castle', amenities: ['moat'] }, ['type', 'amenities.0']],
    ['nights out of order', { minNights: 10, maxNights: 3 }, ['maxNights']],
    [
      'a calendar block that ends before it starts',
      { calendarBlocks: [{ from: '2027-01-05', to: '2027-01-01' }] },
      ['calendarBlocks.0.to'],
    ],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['an unknown field', { sauna: true }, ['sauna']],
  ])('create: %s', async (_what, overrides, fields) => {
    const res = await request(app).post('/listings').set(as(host, 'host')).send(newListing(overrides));

    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(fields);
  });

  it('edit: bad coordinates and a patch that breaks the whole', async () => {
    const coordinates = await request(app)
      .patch(`/listings/${id}`)
      .set(as(host, 'host'))
      .send({ location: { lat: 55.7 } });
    const nights = await request(app).patch(`/listings/${id}`).set(as(host, 'host')).send({ minNights: 60 });

    expect(fieldsOf(coordinates)).toEqual(['location.lon']);
    expect(fieldsOf(nights)).toEqual(['maxNights']);
  });

  it('paths and queries', async () => {
    expect(fieldsOf(await request(app).get('/listings/not-an-id'))).toEqual(['id']);
    expect(fieldsOf(await request(app).get('/listings/published?limit=5000'))).toEqual(['limit']);
    expect((await request(app).get('/listings/photos/..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
  });
});
