import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import type { Client } from '@temporalio/client';
import type { Connection } from 'mongoose';
import request from 'supertest';
import { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import {
  initReviewModels,
  outboxModels,
  reviewModels,
  type ReviewModels,
} from '@kvartirnsk/activities/reviews/models';
import { connectEventBus, DOMAIN_EXCHANGE, type DomainEvent, type EventBus } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { listingRatingSchema } from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { MongoOutboxRelay } from '@kvartirnsk/lib/mongo-outbox';
import { eventually } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  type ReviewWindowInput,
  reviewWindowStateQuery,
  reviewWindowWorkflowId,
} from '@kvartirnsk/workflows/reviews/contract';
import { type GuestReview } from '@kvartirnsk/workflows/reviews/review-schemas';
import { reviewWindowWorkflow } from '@kvartirnsk/workflows/reviews/review-window-workflow';
import { createReviewsApp } from './app';

// The reviews service on real parts: FerretDB, the Temporal dev server (test namespace) with the review
// window workflow and its activities on a queue of this file's own, and RabbitMQ for the outbox's events.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const suffix = randomUUID().slice(0, 8);
const TASK_QUEUE = `reviews-test-${suffix}`;
const LISTING = `listing-${suffix}`;
const HOST: Actor = { userId: `host-${suffix}`, roles: ['guest', 'host'] };
const ADMIN: Actor = { userId: `admin-${suffix}`, roles: ['admin'] };
const STRANGER: Actor = { userId: `stranger-${suffix}`, roles: ['guest', 'host'] };
const guest = (n: number): Actor => ({ userId: `guest-${n}-${suffix}`, roles: ['guest'] });

let connection: Connection;
let models: ReviewModels;
let temporal: Client;
let workers: { stop(): Promise<void> };
let bus: EventBus;
let relay: MongoOutboxRelay;
let app: ReturnType<typeof createReviewsApp>;
const events: DomainEvent[] = [];
const windows: string[] = [];

beforeAll(async () => {
  const logger = createLogger('test', 'silent');
  connection = await connectMongo(MONGO_URL, `test_reviews_${suffix}`);
  models = reviewModels(connection);
  await initReviewModels(models);
  temporal = await connectTestClient();
  workers = await startTestWorkers([
    {
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/reviews/index'),
      activities: createReviewActivities({ models }),
    },
  ]);
  bus = await connectEventBus(RABBITMQ_URL);
  const queue = `test.reviews.${suffix}`;
  await bus.channel.assertQueue(queue, { exclusive: true });
  for (const pattern of ['review.*', 'listing.rating_updated'])
    await bus.channel.bindQueue(queue, DOMAIN_EXCHANGE, pattern);
  await bus.channel.consume(
    queue,
    (message: ConsumeMessage | null) => {
      if (message) events.push(JSON.parse(message.content.toString()) as DomainEvent);
    },
    { noAck: true },
  );
  relay = new MongoOutboxRelay({
    models: [...outboxModels(models)],
    channel: bus.channel,
    logger,
    intervalMs: 200,
  });
  relay.start();
  app = createReviewsApp({ models, temporal, logger, onEventsWritten: () => relay.wake() });
}, 120_000);

afterAll(async () => {
  await Promise.all(
    windows.map((id) =>
      temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await relay?.stop();
  await workers?.stop();
  await bus?.close();
  await temporal?.connection.close();
  await connection?.dropDatabase();
  await connection?.close();
});

/** A completed stay's review window, as the booking flow opens it, on this file's queue. */
async function openWindow(guestActor: Actor, window = '1 hour') {
  const bookingId = randomUUID();
  const input: ReviewWindowInput = {
    bookingId,
    listingId: LISTING,
    guestId: guestActor.userId,
    hostId: HOST.userId,
    window,
    remindBefore: [],
  };
  const workflowId = reviewWindowWorkflowId(bookingId);
  windows.push(workflowId);
  await temporal.workflow.start(reviewWindowWorkflow, { workflowId, taskQueue: TASK_QUEUE, args: [input] });
  return bookingId;
}

const guestReview = (overall: number, text = 'Уютно и чисто'): GuestReview => ({
  overall,
  categories: {
    cleanliness: overall,
    accuracy: 4,
    location: 5,
    communication: 5,
    checkIn: 4,
    value: overall,
  },
  text,
});
const hostReview = { rating: 5, text: 'Прекрасный гость' };

const post = (path: string, actor: Actor | undefined, body: object) => {
  const call = request(app).post(path);
  return (actor ? call.set(identityHeaders(actor)) : call).send(body);
};
const bookingReviews = (bookingId: string, actor: Actor) =>
  request(app).get(`/reviews/bookings/${bookingId}`).set(identityHeaders(actor));

async function published(bookingId: string) {
  await eventually(
    () => temporal.workflow.getHandle(reviewWindowWorkflowId(bookingId)).query(reviewWindowStateQuery),
    (state) => state.publishedAt !== undefined,
  );
}

describe('writing reviews', () => {
  it('lets only the parties of a stay with a window write, each side once', async () => {
    const GUEST = guest(1);
    const bookingId = await openWindow(GUEST);

    const byStranger = await post(`/reviews/bookings/${bookingId}/guest`, STRANGER, guestReview(5));
    const hostAsGuest = await post(`/reviews/bookings/${bookingId}/guest`, HOST, guestReview(5));
    const guestAsHost = await post(`/reviews/bookings/${bookingId}/host`, GUEST, hostReview);
    const noWindow = await post(`/reviews/bookings/${randomUUID()}/guest`, GUEST, guestReview(5));
    const anonymous = await post(`/reviews/bookings/${bookingId}/guest`, undefined, guestReview(5));
    const first = await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(5));
    const second = await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(1, 'Передумал'));

    expect([byStranger.status, hostAsGuest.status, guestAsHost.status]).toEqual([403, 403, 403]);
    expect(noWindow.status).toBe(403);
    expect(noWindow.body.type).toMatch(/no-review-window$/);
    expect(anonymous.status).toBe(401);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ side: 'guest', publishing: false });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ type: expect.stringMatching(/already-reviewed$/) });
    expect(second.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses a malformed review with a 400 naming the field', async () => {
    const GUEST = guest(2);
    const bookingId = await openWindow(GUEST);

    const res = await post(`/reviews/bookings/${bookingId}/guest`, GUEST, {
      ...guestReview(5),
      categories: { ...guestReview(5).categories, value: 6 },
    });

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'categories.value' })]);
  });

  it('keeps reviews double-blind until both have written, then publishes both at once', async () => {
    const GUEST = guest(3);
    const bookingId = await openWindow(GUEST);
    await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(4)).expect(201);

    const hostBefore = await bookingReviews(bookingId, HOST);
    const guestBefore = await bookingReviews(bookingId, GUEST);
    const stranger = await bookingReviews(bookingId, STRANGER);

    expect(hostBefore.status).toBe(200);
    expect(hostBefore.body).toMatchObject({ side: 'host', status: 'open', theirsWritten: true });
    expect(hostBefore.body.theirs).toBeUndefined();
    expect(hostBefore.body.yours).toBeUndefined();
    expect(guestBefore.body).toMatchObject({ side: 'guest', yours: { rating: 4 }, theirsWritten: false });
    expect(stranger.status).toBe(404);

    const receipt = await post(`/reviews/bookings/${bookingId}/host`, HOST, hostReview);
    expect(receipt.status).toBe(201);
    expect(receipt.body.publishing).toBe(true);
    await published(bookingId);

    const guestAfter = await bookingReviews(bookingId, GUEST);
    expect(guestAfter.body).toMatchObject({
      status: 'closed',
      yours: { side: 'guest', rating: 4, publishedAt: expect.any(String) },
      theirs: { side: 'host', rating: 5, text: 'Прекрасный гость' },
    });
    const late = await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(1));
    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/review-window-closed$/);

    const aboutGuest = await request(app).get(`/reviews/users/${GUEST.userId}`);
    expect(aboutGuest.body).toMatchObject({
      items: [{ side: 'host', authorId: HOST.userId, rating: 5 }],
      rating: { count: 1, average: 5 },
    });
  });

  it('publishes a lone review when the window closes, and refuses writing after', async () => {
    const GUEST = guest(4);
    const bookingId = await openWindow(GUEST, '3 seconds');
    await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(5)).expect(201);

    await published(bookingId);
    const late = await post(`/reviews/bookings/${bookingId}/host`, HOST, hostReview);

    expect(late.status).toBe(409);
    expect(late.body.type).toMatch(/review-window-closed$/);
    const forHost = await bookingReviews(bookingId, HOST);
    expect(forHost.body).toMatchObject({ status: 'closed', theirs: { side: 'guest', rating: 5 } });
  });
});

describe('a listing’s reviews and rating', () => {
  const reviewIds: string[] = [];

  beforeAll(async () => {
    // Three more stays at the listing (besides the tests above): 5, 4 and 4 stars overall.
    for (const [n, overall] of [
      [10, 5],
      [11, 4],
      [12, 4],
    ] as const) {
      const GUEST = guest(n);
      const bookingId = await openWindow(GUEST);
      await post(`/reviews/bookings/${bookingId}/guest`, GUEST, guestReview(overall)).expect(201);
      await post(`/reviews/bookings/${bookingId}/host`, HOST, hostReview).expect(201);
      await published(bookingId);
      reviewIds.push(`${bookingId}-guest`);
    }
  }, 60_000);

  it('lists published guest reviews newest first, page by page, with the rating to 2 decimals', async () => {
    const all = await request(app).get(`/reviews/listings/${LISTING}`).query({ limit: 100 });
    const first = await request(app).get(`/reviews/listings/${LISTING}`).query({ limit: 2 });
    const second = await request(app)
      .get(`/reviews/listings/${LISTING}`)
      .query({ limit: 2, cursor: first.body.nextCursor });

    // Published so far: 4 (double-blind test), 5 (lone review), then 5, 4, 4.
    const overalls = [4, 5, 5, 4, 4];
    const average = Math.round((overalls.reduce((a, b) => a + b) / overalls.length) * 100) / 100;
    expect(all.body.items).toHaveLength(5);
    expect(all.body.items.every((item: { side: string }) => item.side === 'guest')).toBe(true);
    expect(all.body.items[0].id).toBe(reviewIds.at(-1));
    expect(all.body.rating).toMatchObject({
      count: 5,
      average,
      categories: { cleanliness: average, location: 5 },
    });
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual(
      all.body.items.slice(0, 2).map((i: { id: string }) => i.id),
    );
    expect(second.body.items.map((i: { id: string }) => i.id)).toEqual(
      all.body.items.slice(2, 4).map((i: { id: string }) => i.id),
    );
    const badCursor = await request(app).get(`/reviews/listings/${LISTING}`).query({ cursor: 'nonsense' });
    expect(badCursor.status).toBe(400);
  });

  it('emits review.published and listing.rating_updated through the outbox', async () => {
    const latest = await eventually(
      async () => events.filter((e) => e.type === 'listing.rating_updated' && e.data.listingId === LISTING),
      (ratings) => ratings.some((e) => e.data.count === 5),
    );
    expect(listingRatingSchema.parse(latest.find((e) => e.data.count === 5)?.data)).toEqual({
      listingId: LISTING,
      hostId: HOST.userId,
      average: 4.4,
      count: 5,
    });
    const publishedIds = events.filter((e) => e.type === 'review.published').map((e) => e.data.reviewId);
    expect(publishedIds).toEqual(expect.arrayContaining(reviewIds));
    // The events left the documents once the broker had them.
    const pending = await models.Review.countDocuments({ 'pendingEvents.0': { $exists: true } });
    expect(pending).toBe(0);
  });

  it("lets the listing's host reply once, publicly", async () => {
    const [reviewId] = reviewIds;

    const byStranger = await post(`/reviews/${reviewId}/reply`, STRANGER, { text: 'Спасибо!' });
    const byHost = await post(`/reviews/${reviewId}/reply`, HOST, { text: 'Спасибо, приезжайте ещё!' });
    const again = await post(`/reviews/${reviewId}/reply`, HOST, { text: 'Ещё раз спасибо' });
    const missing = await post(`/reviews/nothing-guest/reply`, HOST, { text: 'Спасибо' });

    expect(byStranger.status).toBe(403);
    expect(byHost.status).toBe(201);
    expect(byHost.body.reply).toMatchObject({ text: 'Спасибо, приезжайте ещё!', authorId: HOST.userId });
    expect(again.status).toBe(409);
    expect(missing.status).toBe(404);
    const listing = await request(app).get(`/reviews/listings/${LISTING}`).query({ limit: 100 });
    expect(listing.body.items.find((i: { id: string }) => i.id === reviewId).reply.text).toBe(
      'Спасибо, приезжайте ещё!',
    );
  });

  it('lets an admin hide a review, keeping who, when and why, and recomputes the rating', async () => {
    const reviewId = reviewIds[0]!;

    const byHost = await post(`/reviews/${reviewId}/hide`, HOST, { reason: 'Не нравится' });
    const noReason = await post(`/reviews/${reviewId}/hide`, ADMIN, {});
    const hidden = await post(`/reviews/${reviewId}/hide`, ADMIN, { reason: 'Оскорбления' });
    const again = await post(`/reviews/${reviewId}/hide`, ADMIN, { reason: 'Оскорбления' });

    expect(byHost.status).toBe(403);
    expect(noReason.status).toBe(400);
    expect(hidden.status).toBe(200);
    expect(hidden.body.hidden).toMatchObject({ by: ADMIN.userId, reason: 'Оскорбления' });
    expect(again.status).toBe(409);
    const stored = await models.Review.findById(reviewId).lean();
    expect(stored?.hidden).toMatchObject({ by: ADMIN.userId, reason: 'Оскорбления', at: expect.any(Date) });

    const listing = await request(app).get(`/reviews/listings/${LISTING}`).query({ limit: 100 });
    expect(listing.body.items.map((i: { id: string }) => i.id)).not.toContain(reviewId);
    // The hidden 5 leaves 4, 5, 4, 4.
    expect(listing.body.rating).toMatchObject({ count: 4, average: 4.25 });
    await eventually(
      async () => events.filter((e) => e.type === 'listing.rating_updated' && e.data.listingId === LISTING),
      (ratings) => ratings.some((e) => e.data.count === 4 && e.data.average === 4.25),
    );
    await eventually(
      async () => events.filter((e) => e.type === 'review.hidden').map((e) => e.data.reviewId),
      (ids) => ids.includes(reviewId),
    );
  });
});
