import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import { io as connectSocket, type Socket } from 'socket.io-client';
import request from 'supertest';
import { verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { requestBudget } from '@kvartirnsk/lib/rate-limits';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { signedInUser } from '@kvartirnsk/api-gateway/test-support';
import { createMessagingApp } from './app';
import { MASK } from './masking';
import { messagingModels, type MessagingModels } from './models';
import { createRealtime, SOCKET_PATH } from './realtime';
import { applyMessagingEvent } from './replica';

// Real FerretDB (MongoDB wire) and Redis; two messaging instances share them, as in production.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const logger = createLogger('messaging-test', 'silent');
const SEND_BUDGET = 8;

let mongo: Connection;
let models: MessagingModels;
let testRedis: TestRedis;
const servers: Server[] = [];
const realtimes: Array<{ close(): void }> = [];
const sockets: Socket[] = [];
let instances: string[];

async function startInstance(): Promise<string> {
  const realtime = createRealtime({
    verificationKey: await verificationKeyFrom({ NODE_ENV: 'test' }),
    redis: testRedis.redis,
    logger,
  });
  realtimes.push(realtime);
  const app = createMessagingApp({
    models,
    live: realtime.live,
    sendBudget: requestBudget(testRedis.redis, 'messaging-send', SEND_BUDGET),
    logger,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  realtime.io.attach(server);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  mongo = await connectMongo(MONGO_URL, `test_messaging_${randomUUID().slice(0, 8)}`);
  models = messagingModels(mongo);
  testRedis = createTestRedis('messaging');
  instances = [await startInstance(), await startInstance()];
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  for (const realtime of realtimes) realtime.close();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await mongo?.dropDatabase();
  await mongo?.close();
  await testRedis?.drop();
});

const actor = (userId: string): Actor => ({ userId, roles: ['guest'] });

/** A listing the messaging service has heard of, with its host and a guest who has signed in. */
async function listingWithParties() {
  const host = await signedInUser(testRedis.redis, ['guest', 'host']);
  const guest = await signedInUser(testRedis.redis, ['guest']);
  const listingId = `listing-${randomUUID().slice(0, 8)}`;
  await applyMessagingEvent(
    models,
    domainEvent('listings', 'listing.published', { listingId, hostId: host.userId, title: 'Студия у моря' }),
  );
  return { host, guest, listingId };
}

async function connectAs(base: string, token: string): Promise<Socket> {
  const socket = connectSocket(base, { path: SOCKET_PATH, auth: { token }, transports: ['websocket'] });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

const nextEvent = <T>(socket: Socket, name: string) =>
  new Promise<T>((resolve) => socket.once(name, (payload: T) => resolve(payload)));

it('delivers a guest enquiry live to the host on another instance, with contact details masked', async () => {
  const { host, guest, listingId } = await listingWithParties();
  const hostSocket = await connectAs(instances[1]!, host.token);
  const delivered = nextEvent<{ message: { text: string; masked: string[] } }>(hostSocket, 'message');

  const res = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(guest.userId)))
    .send({ listingId, text: 'Свободно на майские? Мой номер +7 912 345-67-89' });

  expect(res.status).toBe(201);
  expect(res.body.message.text).toBe(`Свободно на майские? Мой номер ${MASK}`);
  expect(res.body.message.masked).toEqual(['phone']);
  expect(res.body.notice.ru).toMatch(/Контакты скрыты/);
  expect((await delivered).message.text).not.toContain('912');
  const inbox = await request(instances[1]!)
    .get('/messaging/conversations')
    .set(identityHeaders(actor(host.userId)));
  expect(inbox.body.unreadTotal).toBe(1);
  expect(inbox.body.items[0]).toMatchObject({
    listingId,
    side: 'host',
    unread: 1,
    listingTitle: 'Студия у моря',
  });
});

it('stops masking once a booking between them is confirmed (the event applied twice changes nothing more)', async () => {
  const { host, guest, listingId } = await listingWithParties();
  const first = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(guest.userId)))
    .send({ listingId, text: 'Здравствуйте!' });
  const confirmed = domainEvent('bookings', 'booking.confirmed', {
    bookingId: randomUUID(),
    listingId,
    hostId: host.userId,
    guestId: guest.userId,
  });
  await applyMessagingEvent(models, confirmed);
  await applyMessagingEvent(models, confirmed);

  const res = await request(instances[0]!)
    .post(`/messaging/conversations/${first.body.conversation.id}/messages`)
    .set(identityHeaders(actor(host.userId)))
    .send({ text: 'Ключи у консьержа, звоните +7 912 000-11-22' });

  expect(res.status).toBe(201);
  expect(res.body.message.text).toContain('+7 912 000-11-22');
  expect(res.body.notice).toBeNull();
  const stored = await models.Conversation.findById(first.body.conversation.id).lean();
  expect(stored?.bookingIds).toEqual([confirmed.data.bookingId]);
});

it('sends read receipts live and clears the reader’s unread count', async () => {
  const { host, guest, listingId } = await listingWithParties();
  const sent = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(guest.userId)))
    .send({ listingId, text: 'Можно с собакой?' });
  const id = sent.body.conversation.id as string;
  const guestSocket = await connectAs(instances[0]!, guest.token);
  const receipt = nextEvent<{ conversationId: string; readUntil: string }>(guestSocket, 'read');

  const read = await request(instances[1]!)
    .post(`/messaging/conversations/${id}/read`)
    .set(identityHeaders(actor(host.userId)));

  expect(read.status).toBe(200);
  expect(read.body.unread).toBe(0);
  expect((await receipt).conversationId).toBe(id);
  const guestView = await request(instances[0]!)
    .get(`/messaging/conversations/${id}/messages`)
    .set(identityHeaders(actor(guest.userId)));
  expect(guestView.body.conversation.otherReadUntil >= sent.body.message.createdAt).toBe(true);
});

it('pages through messages newest first', async () => {
  const { host, guest, listingId } = await listingWithParties();
  const first = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(guest.userId)))
    .send({ listingId, text: 'message 1' });
  const id = first.body.conversation.id as string;
  for (const n of [2, 3, 4, 5]) {
    await request(instances[0]!)
      .post(`/messaging/conversations/${id}/messages`)
      .set(identityHeaders(actor(n % 2 ? guest.userId : host.userId)))
      .send({ text: `message ${n}` });
  }
  const page = (before?: string) =>
    request(instances[0]!)
      .get(`/messaging/conversations/${id}/messages`)
      .query({ limit: 2, ...(before ? { before } : {}) })
      .set(identityHeaders(actor(guest.userId)));

  const one = await page();
  const two = await page(one.body.items.at(-1).id);
  const three = await page(two.body.items.at(-1).id);

  const texts = [one, two, three].map((p) => (p.body.items as Array<{ text: string }>).map((m) => m.text));
  expect(texts).toEqual([['message 5', 'message 4'], ['message 3', 'message 2'], ['message 1']]);
  expect([one.body.hasMore, two.body.hasMore, three.body.hasMore]).toEqual([true, true, false]);
});

it('keeps conversations to their two parties and answers bad input with problems naming the field', async () => {
  const { host, guest, listingId } = await listingWithParties();
  const sent = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(guest.userId)))
    .send({ listingId, text: 'Привет' });
  const id = sent.body.conversation.id as string;
  const outsider = actor(randomUUID());

  const peek = await request(instances[0]!)
    .get(`/messaging/conversations/${id}/messages`)
    .set(identityHeaders(outsider));
  const ownListing = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(actor(host.userId)))
    .send({ listingId, text: 'Привет' });
  const unknownListing = await request(instances[0]!)
    .post('/messaging/conversations')
    .set(identityHeaders(outsider))
    .send({ listingId: 'no-such-listing', text: 'Привет' });
  const empty = await request(instances[0]!)
    .post(`/messaging/conversations/${id}/messages`)
    .set(identityHeaders(actor(guest.userId)))
    .send({ text: '   ' });
  const badCursor = await request(instances[0]!)
    .get(`/messaging/conversations/${id}/messages?before=${randomUUID()}`)
    .set(identityHeaders(actor(guest.userId)));

  expect([peek.status, ownListing.status, unknownListing.status]).toEqual([403, 403, 404]);
  expect(empty.status).toBe(400);
  expect(empty.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(empty.body.errors[0].field).toBe('text');
  expect(badCursor.status).toBe(400);
  expect(badCursor.body.errors[0].field).toBe('before');
});

it('limits how many messages a user sends per minute, with Retry-After', async () => {
  const { guest, listingId } = await listingWithParties();
  const statuses: number[] = [];
  let last;
  for (let n = 0; n <= SEND_BUDGET; n++) {
    last = await request(instances[n % 2]!)
      .post('/messaging/conversations')
      .set(identityHeaders(actor(guest.userId)))
      .send({ listingId, text: `ping ${n}` });
    statuses.push(last.status);
  }

  expect(statuses.filter((s) => s === 201)).toHaveLength(SEND_BUDGET);
  expect(statuses.at(-1)).toBe(429);
  expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
});

it('refuses a socket without a valid token', async () => {
  const socket = connectSocket(instances[0], {
    path: SOCKET_PATH,
    auth: { token: 'not-a-token' },
    transports: ['websocket'],
  });
  sockets.push(socket);

  const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));

  expect(error.message).toBe('unauthenticated');
});
