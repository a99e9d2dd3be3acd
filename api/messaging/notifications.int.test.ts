import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { createNotificationActivities } from '@kvartirnsk/activities/notifications/activities';
import { createLiveEmitter } from '@kvartirnsk/activities/notifications/live';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { ADMINS_AUDIENCE, NOTIFICATION_KINDS } from '@kvartirnsk/workflows/notifications/contract';
import { type MessagingTestbed, startMessagingTestbed } from './test-support';

// The notification REST routes against a real messaging instance (FerretDB, Redis); notifications are
// written by the real delivery activity, as the notification worker pool writes them.
let tb: MessagingTestbed;
let deliver: (userId: string, kind: 'listing_approved' | 'listing_escalated', n: number) => Promise<string>;

beforeAll(async () => {
  tb = await startMessagingTestbed('notifications_api');
  const { notify } = createNotificationActivities({
    models: tb.models,
    emitter: createLiveEmitter(tb.testRedis.redis),
    webBaseUrl: 'http://localhost:3000',
  });
  const env = new MockActivityEnvironment();
  deliver = async (userId, kind, n) => {
    const notificationId = `test:${n}:${kind}:${userId}`;
    await env.run(notify, {
      notificationId,
      userId,
      kind,
      data: { listingId: `l-${n}`, contentRevision: n },
    });
    return notificationId;
  };
});

afterAll(async () => {
  await tb?.close();
});

const asUser = (userId: string, roles: Actor['roles'] = ['guest']) => identityHeaders({ userId, roles });

/** A user with `count` notifications, delivered oldest first. */
async function userWith(count: number) {
  const userId = randomUUID();
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) ids.push(await deliver(userId, 'listing_approved', n));
  return { userId, ids };
}

it('lists the caller’s notifications newest first, a page at a time, with the unread count', async () => {
  const { userId, ids } = await userWith(5);
  await userWith(1);
  const page = (before?: string) =>
    request(tb.url)
      .get('/messaging/notifications')
      .query({ limit: 2, ...(before ? { before } : {}) })
      .set(asUser(userId));

  const one = await page();
  const two = await page(one.body.items.at(-1).id);
  const three = await page(two.body.items.at(-1).id);

  expect(one.status).toBe(200);
  const pages = [one, two, three].map((p) => (p.body.items as Array<{ id: string }>).map((item) => item.id));
  expect(pages).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
  expect([one.body.hasMore, two.body.hasMore, three.body.hasMore]).toEqual([true, true, false]);
  expect(one.body.unread).toBe(5);
  expect(one.body.items[0]).toMatchObject({
    kind: 'listing_approved',
    data: { listingId: 'l-5', contentRevision: 5 },
    title: { ru: 'Объявление опубликовано', en: 'Listing published' },
    path: '/listings/l-5',
    readAt: null,
  });
});

it('marks one read (the first time counts), then the rest, and filters unread ones', async () => {
  const { userId, ids } = await userWith(3);

  const read = await request(tb.url).post(`/messaging/notifications/${ids[0]}/read`).set(asUser(userId));
  const readAgain = await request(tb.url).post(`/messaging/notifications/${ids[0]}/read`).set(asUser(userId));
  const unread = await request(tb.url).get('/messaging/notifications?unreadOnly=true').set(asUser(userId));

  expect(read.status).toBe(200);
  expect(read.body.readAt).toEqual(expect.any(String));
  expect(readAgain.body.readAt).toBe(read.body.readAt);
  expect(unread.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
  expect(unread.body.unread).toBe(2);

  const all = await request(tb.url).post('/messaging/notifications/read-all').set(asUser(userId));
  const after = await request(tb.url).get('/messaging/notifications').set(asUser(userId));

  expect(all.body).toEqual({ marked: 2 });
  expect(after.body.unread).toBe(0);
  expect(after.body.items.every((item: { readAt: string | null }) => item.readAt !== null)).toBe(true);
});

it('keeps notifications to their recipient; admins share the ones addressed to all admins', async () => {
  const { userId, ids } = await userWith(1);
  const escalation = await deliver(ADMINS_AUDIENCE, 'listing_escalated', 1);
  const someoneElse = randomUUID();
  const admin = randomUUID();

  const peek = await request(tb.url).post(`/messaging/notifications/${ids[0]}/read`).set(asUser(someoneElse));
  const othersList = await request(tb.url).get('/messaging/notifications').set(asUser(someoneElse));
  const adminRead = await request(tb.url)
    .post(`/messaging/notifications/${encodeURIComponent(escalation)}/read`)
    .set(asUser(admin, ['admin']));
  const guestRead = await request(tb.url)
    .post(`/messaging/notifications/${encodeURIComponent(escalation)}/read`)
    .set(asUser(userId));

  expect(peek.status).toBe(404);
  expect(peek.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(othersList.body.items).toEqual([]);
  expect(adminRead.status).toBe(200);
  expect(guestRead.status).toBe(404);
});

it('keeps e-mail preferences per kind and the language, with in-app always on', async () => {
  const userId = randomUUID();

  const initial = await request(tb.url).get('/messaging/notification-preferences').set(asUser(userId));
  const first = await request(tb.url)
    .put('/messaging/notification-preferences')
    .set(asUser(userId))
    .send({ email: { payout_sent: false, booking_requested: false } });
  const second = await request(tb.url)
    .put('/messaging/notification-preferences')
    .set(asUser(userId))
    .send({ locale: 'en', email: { booking_requested: true } });
  const read = await request(tb.url).get('/messaging/notification-preferences').set(asUser(userId));

  expect(initial.status).toBe(200);
  expect(initial.body.locale).toBeNull();
  expect(Object.keys(initial.body.kinds).sort()).toEqual([...NOTIFICATION_KINDS].sort());
  expect(Object.values(initial.body.kinds)).toEqual(
    NOTIFICATION_KINDS.map(() => ({ inApp: true, email: true })),
  );
  expect(first.body.kinds.payout_sent).toEqual({ inApp: true, email: false });
  expect(second.body).toEqual(read.body);
  expect(read.body.locale).toBe('en');
  expect(read.body.kinds.payout_sent.email).toBe(false);
  expect(read.body.kinds.booking_requested.email).toBe(true);
});

it('answers bad input with problems naming the field', async () => {
  const { userId } = await userWith(1);
  const get = (query: Record<string, string>) =>
    request(tb.url).get('/messaging/notifications').query(query).set(asUser(userId));
  const put = (body: unknown) =>
    request(tb.url)
      .put('/messaging/notification-preferences')
      .set(asUser(userId))
      .send(body as object);

  const cases = await Promise.all([
    get({ limit: '0' }),
    get({ unreadOnly: 'yes' }),
    get({ before: 'not-mine' }),
    get({ sort: 'oldest' }),
    put({ locale: 'de' }),
    put({ email: { payout_sent: 'no' } }),
    put({ email: { spam: true } }),
    put({ inApp: { payout_sent: false } }),
  ]);

  expect(cases.map((res) => res.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
  expect(cases.map((res) => (res.body as { errors?: Array<{ field: string }> }).errors?.[0]?.field)).toEqual([
    'limit',
    'unreadOnly',
    'before',
    'sort',
    'locale',
    'email.payout_sent',
    'email.spam',
    'inApp',
  ]);
  const anonymous = await request(tb.url).get('/messaging/notifications');
  expect(anonymous.status).toBe(401);
});
