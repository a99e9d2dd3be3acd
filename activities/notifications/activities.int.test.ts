import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { signedInUser } from '@kvartirnsk/api-gateway/test-support';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { money } from '@kvartirnsk/lib/money';
import {
  type MessagingTestbed,
  nextEvent,
  startMessagingTestbed,
} from '@kvartirnsk/api-messaging/test-support';
import {
  ADMINS_AUDIENCE,
  type Notice,
  type NotifyInput,
  type NotifyOutcome,
} from '@kvartirnsk/workflows/notifications/contract';
import { createNotificationActivities } from './activities';
import { createLiveEmitter, NOTIFICATION_EVENT } from './live';

// The real activity against a real messaging instance: FerretDB for notifications and mail, Redis carrying
// the worker's emit to the socket.io client connected to the instance.
let tb: MessagingTestbed;
let notify: (input: NotifyInput) => Promise<NotifyOutcome>;

beforeAll(async () => {
  tb = await startMessagingTestbed('notifications_activity');
  const activities = createNotificationActivities({
    models: tb.models,
    emitter: createLiveEmitter(tb.testRedis.redis),
    webBaseUrl: 'https://kvartirnsk.test',
  });
  const env = new MockActivityEnvironment();
  notify = (input) => env.run(activities.notify, input);
});

afterAll(async () => {
  await tb?.close();
});

const confirmed: Notice = {
  kind: 'booking_confirmed',
  data: { bookingId: 'b-1', listingId: 'l-1', checkIn: '2027-07-12', checkOut: '2027-07-15' },
};
const payout: Notice = { kind: 'payout_sent', data: { bookingId: 'b-1', amount: money(582_000) } };

const input = (userId: string, notice: Notice, extra: Partial<NotifyInput> = {}): NotifyInput =>
  ({
    notificationId: `booking:${randomUUID()}:${notice.kind}:${userId}`,
    userId,
    ...notice,
    ...extra,
  }) as NotifyInput;

const mailOf = (notificationId: string) => tb.models.OutboxMail.findById(notificationId).lean();

it('stores, pushes live and mails a notification once, however often it is delivered', async () => {
  const guest = await signedInUser(tb.testRedis.redis, ['guest']);
  const socket = await tb.connectAs(guest.token);
  const first = input(guest.userId, confirmed);
  const pushed = nextEvent<{ id: string; title: { ru: string }; readAt: null }>(socket, NOTIFICATION_EVENT);

  const outcome = await notify(first);

  expect(outcome).toEqual({ created: true, emailed: true });
  expect(await pushed).toMatchObject({
    id: first.notificationId,
    title: { ru: 'Бронирование подтверждено' },
  });

  const nextPush = nextEvent<{ id: string }>(socket, NOTIFICATION_EVENT);
  const again = await notify(first);
  const later = input(guest.userId, payout);
  await notify(later);

  expect(again).toEqual({ created: false, emailed: false });
  // Pushes travel in order through one Redis channel: the next one after the repeat is the later notification.
  expect((await nextPush).id).toBe(later.notificationId);
  expect(await tb.models.Notification.countDocuments({ userId: guest.userId })).toBe(2);
  expect(await tb.models.OutboxMail.countDocuments({ userId: guest.userId })).toBe(2);
  const mail = await mailOf(first.notificationId);
  expect(mail).toMatchObject({ locale: 'ru', subject: 'Бронирование подтверждено' });
  expect(mail?.text).toContain(`https://kvartirnsk.test/trips/b-1`);
});

it('mails only the kinds the user wants, in the language they chose', async () => {
  const host = await signedInUser(tb.testRedis.redis, ['guest', 'host']);
  const chosen = await request(tb.url)
    .put('/messaging/notification-preferences')
    .set(identityHeaders({ userId: host.userId, roles: ['host'] }))
    .send({ locale: 'en', email: { booking_confirmed: false } });
  expect(chosen.status).toBe(200);
  const quiet = input(host.userId, confirmed, { locale: 'ru' });
  const mailed = input(host.userId, payout, { locale: 'ru' });

  expect(await notify(quiet)).toEqual({ created: true, emailed: false });
  expect(await notify(mailed)).toEqual({ created: true, emailed: true });

  expect(await mailOf(quiet.notificationId)).toBeNull();
  const mail = await mailOf(mailed.notificationId);
  expect(mail).toMatchObject({ locale: 'en', subject: 'Payout sent' });
  expect(mail?.text).toMatch(/We transferred RUB\s5,820\.00/);
  // In-app notifications are never switched off.
  expect(await tb.models.Notification.exists({ _id: quiet.notificationId })).not.toBeNull();
});

it('writes in the language the flow knew until the user picks one, else in Russian', async () => {
  const english = input(randomUUID(), payout, { locale: 'en' });
  const russian = input(randomUUID(), payout);

  await notify(english);
  await notify(russian);

  expect((await mailOf(english.notificationId))?.subject).toBe('Payout sent');
  expect((await mailOf(russian.notificationId))?.subject).toBe('Выплата отправлена');
});

it('tells every connected admin of an escalation, in-app only', async () => {
  const admin = await signedInUser(tb.testRedis.redis, ['admin']);
  const guest = await signedInUser(tb.testRedis.redis, ['guest']);
  const adminSocket = await tb.connectAs(admin.token);
  const guestSocket = await tb.connectAs(guest.token);
  let guestHeard = false;
  guestSocket.on(NOTIFICATION_EVENT, () => {
    guestHeard = true;
  });
  const escalation = input(ADMINS_AUDIENCE, {
    kind: 'listing_escalated',
    data: { listingId: 'l-9', contentRevision: 2 },
  });
  const pushed = nextEvent<{ id: string; kind: string }>(adminSocket, NOTIFICATION_EVENT);

  expect(await notify(escalation)).toEqual({ created: true, emailed: false });

  expect(await pushed).toMatchObject({ id: escalation.notificationId, kind: 'listing_escalated' });
  const listed = await request(tb.url)
    .get('/messaging/notifications')
    .set(identityHeaders({ userId: admin.userId, roles: ['admin'] }));
  expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(escalation.notificationId);
  expect(guestHeard).toBe(false);
});
