import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { type Model, Schema, type Connection } from 'mongoose';
import { connectEventBus, DOMAIN_EXCHANGE, domainEvent, type DomainEvent, type EventBus } from './events';
import { createLogger } from './logger';
import { connectMongo } from './mongo';
import {
  MongoOutboxRelay,
  pendingEventsDefinition,
  pushEvents,
  type WithPendingEvents,
} from './mongo-outbox';
import { eventually } from './testing';

// Real FerretDB (MongoDB wire) and RabbitMQ from the local stack.
const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = createLogger('mongo-outbox-test', 'silent');
const queue = `test.mongo-outbox.${randomUUID()}`;
const routingKey = `test.stored_${randomUUID().slice(0, 8)}`;

interface Thing extends WithPendingEvents {
  name: string;
}

let connection: Connection;
let bus: EventBus;
const received: DomainEvent[] = [];

beforeAll(async () => {
  connection = await connectMongo(MONGO_URL, `test_outbox_${randomUUID().slice(0, 8)}`);
  bus = await connectEventBus(RABBITMQ_URL);
  await bus.channel.assertQueue(queue, { exclusive: true });
  await bus.channel.bindQueue(queue, DOMAIN_EXCHANGE, routingKey);
  await bus.channel.consume(
    queue,
    (message: ConsumeMessage | null) => {
      if (message) received.push(JSON.parse(message.content.toString()) as DomainEvent);
    },
    { noAck: true },
  );
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
  await bus?.close();
});

function thingModel() {
  const schema = new Schema({ name: String, pendingEvents: pendingEventsDefinition });
  return connection.model(`Thing${randomUUID().slice(0, 8)}`, schema) as unknown as Model<Thing>;
}

it('publishes the events written with a change once, and removes them from the document', async () => {
  const Thing = thingModel();
  const created = domainEvent('test', routingKey, { step: 'created' });
  const renamed = domainEvent('test', routingKey, { step: 'renamed' });
  const thing = await Thing.create({ name: 'first', pendingEvents: [created] });
  await Thing.findOneAndUpdate({ _id: thing._id }, { $set: { name: 'second' }, ...pushEvents(renamed) });
  const relay = new MongoOutboxRelay({ models: [Thing], channel: bus.channel, logger });

  expect(await relay.relayOnce()).toBe(2);
  expect(await relay.relayOnce()).toBe(0);

  await eventually(
    async () => received.map((e) => e.id),
    (ids) => ids.includes(created.id) && ids.includes(renamed.id),
  );
  const stored = await Thing.findById(thing._id).lean();
  expect(stored).toMatchObject({ name: 'second', pendingEvents: [] });
});

it('keeps an event pushed while the relay was publishing, and relays it at once when woken', async () => {
  const Thing = thingModel();
  const first = domainEvent('test', routingKey, { n: 1 });
  const thing = await Thing.create({ name: 'x', pendingEvents: [first] });
  const relay = new MongoOutboxRelay({ models: [Thing], channel: bus.channel, logger, intervalMs: 60_000 });
  relay.start();
  await eventually(
    async () => received.map((e) => e.id),
    (ids) => ids.includes(first.id),
  );

  const second = domainEvent('test', routingKey, { n: 2 });
  await Thing.updateOne({ _id: thing._id }, pushEvents(second));
  relay.wake();

  // The interval is a minute, so only wake() can have sent it this soon.
  await eventually(
    async () => received.map((e) => e.id),
    (ids) => ids.includes(second.id),
    { timeoutMs: 5_000 },
  );
  await relay.stop();
  expect(received.filter((e) => e.id === second.id)).toHaveLength(1);
  expect((await Thing.findById(thing._id).lean())?.pendingEvents).toEqual([]);
});
