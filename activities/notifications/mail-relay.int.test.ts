import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { startMessagingTestbed, type MessagingTestbed } from '@kvartirnsk/api-messaging/test-support';
import { startUsersStack, type UsersStack } from '@kvartirnsk/api-users/test-support';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createMailTransport } from '@kvartirnsk/lib/mail';
import { eventually } from '@kvartirnsk/lib/testing';
import { mailTo, TEST_SMTP_URL } from '@kvartirnsk/lib/testing-mail';
import type { Notice, NotifyInput } from '@kvartirnsk/workflows/notifications/contract';
import { createNotificationActivities } from './activities';
import { createLiveEmitter } from './live';
import { NotificationMailRelay, usersServiceRecipients } from './mail-relay';

// Notification mail from the notify activity's outbox to a mailbox: the real users service says where to send
// it, Mailpit (SMTP) receives it, FerretDB holds the outbox.
let tb: MessagingTestbed;
let users: UsersStack;
let usersServer: Server;
let usersUrl: string;
let notify: (input: NotifyInput) => Promise<unknown>;
const logger = createLogger('notification-mail-test', 'silent');
const transport = createMailTransport(TEST_SMTP_URL);

beforeAll(async () => {
  [tb, users] = await Promise.all([
    startMessagingTestbed('notification_mail'),
    startUsersStack('notification-mail'),
  ]);
  const usersApp = await users.usersApp();
  usersServer = await new Promise<Server>((resolve) => {
    const listening = usersApp.listen(0, '127.0.0.1', () => resolve(listening));
  });
  usersUrl = `http://127.0.0.1:${(usersServer.address() as AddressInfo).port}`;
  const activities = createNotificationActivities({
    models: tb.models,
    emitter: createLiveEmitter(tb.testRedis.redis),
    webBaseUrl: 'https://kvartirnsk.example',
  });
  const env = new MockActivityEnvironment();
  notify = (input) => env.run(activities.notify, input);
});

afterAll(async () => {
  transport.close();
  usersServer.closeAllConnections();
  await new Promise((resolve) => usersServer.close(resolve));
  await Promise.all([tb.close(), users.close()]);
});

const relay = (recipientsFrom = usersUrl) =>
  new NotificationMailRelay({
    models: tb.models,
    transport,
    recipients: usersServiceRecipients(recipientsFrom),
    from: 'Квартирнск <no-reply@kvartirnsk.ru>',
    logger,
  });

const confirmed: Notice = {
  kind: 'booking_confirmed',
  data: { bookingId: 'b-1', listingId: 'l-1', checkIn: '2027-07-12', checkOut: '2027-07-15' },
};

async function newUser(locale: 'ru' | 'en' = 'ru') {
  const email = `notify-${randomUUID()}@example.com`;
  const res = await request(users.gateway)
    .post('/api/users/sign-up')
    .send({ email, password: 'correct horse battery', name: 'Mail Test', locale });
  expect(res.status).toBe(201);
  return { userId: res.body.user.id as string, email };
}

async function notified(userId: string, locale: 'ru' | 'en' = 'ru') {
  const notificationId = `booking:${randomUUID()}:booking_confirmed:${userId}`;
  await notify({ notificationId, userId, locale, ...confirmed });
  return notificationId;
}

/** The outbox document with its unset fields as null (the store may leave a null field out). */
async function outboxMail(id: string) {
  const mail = await tb.models.OutboxMail.findById(id).lean().orFail();
  return {
    ...mail,
    sentAt: mail.sentAt ?? null,
    failedAt: mail.failedAt ?? null,
    lastError: mail.lastError ?? null,
  };
}

it('mails a notification to the address the users service gives, once', async () => {
  const { userId, email } = await newUser('en');
  const id = await notified(userId, 'en');

  expect(await relay().sendDue()).toBeGreaterThanOrEqual(1);
  await relay().sendDue();

  const [mail, ...more] = await eventually(
    () => mailTo(email),
    (mails) => mails.length > 0,
  );
  expect(more).toEqual([]);
  const stored = await outboxMail(id);
  expect(mail!.Subject).toBe(stored.subject);
  // SMTP carries lines ended by CRLF.
  expect(mail!.Text.replace(/\r\n/g, '\n').trim()).toBe(stored.text.trim());
  expect(mail!.MessageID).toBe(`notification-${encodeURIComponent(id)}@kvartirnsk.ru`);
  expect(stored).toMatchObject({ attempts: 1, lastError: null, failedAt: null });
  expect(stored.sentAt).toBeInstanceOf(Date);
});

it('gives up on mail for an unknown or blocked user', async () => {
  const unknown = await notified(randomUUID());
  const { userId, email } = await newUser();
  await users.testDb.db
    .updateTable('users')
    .set({ blocked_at: new Date() })
    .where('id', '=', userId)
    .execute();
  const blocked = await notified(userId);

  await relay().sendDue();

  expect(await outboxMail(unknown)).toMatchObject({ sentAt: null, lastError: 'no such user' });
  expect((await outboxMail(unknown)).failedAt).toBeInstanceOf(Date);
  expect(await outboxMail(blocked)).toMatchObject({ sentAt: null, lastError: 'the recipient is blocked' });
  expect(await mailTo(email)).toEqual([]);
});

it('waits without counting a try while the users service cannot say where to mail', async () => {
  const { userId, email } = await newUser();
  const id = await notified(userId);

  // Nothing listens on port 9 here.
  await relay('http://127.0.0.1:9').sendDue();
  const waiting = await outboxMail(id);
  expect(waiting).toMatchObject({ sentAt: null, failedAt: null, attempts: 0 });
  expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

  await tb.models.OutboxMail.updateOne({ _id: id }, { $set: { nextAttemptAt: new Date() } });
  await relay().sendDue();
  expect(
    await eventually(
      () => mailTo(email),
      (mails) => mails.length === 1,
    ),
  ).toHaveLength(1);
});

it('sends each mail once when relays in several processes run at once', async () => {
  const people = await Promise.all(Array.from({ length: 4 }, () => newUser()));
  for (const { userId } of people) await notified(userId);

  await Promise.all([relay().sendDue(), relay().sendDue(), relay().sendDue()]);
  await Promise.all([relay().sendDue(), relay().sendDue()]);

  for (const { email } of people) {
    expect(
      await eventually(
        () => mailTo(email),
        (mails) => mails.length > 0,
      ),
    ).toHaveLength(1);
  }
});
