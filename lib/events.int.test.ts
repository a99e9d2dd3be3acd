import { randomUUID } from 'node:crypto';
import {
  connectEventBus,
  consumeEvents,
  consumeIdempotentEvents,
  DOMAIN_EXCHANGE,
  domainEvent,
  enqueueEvent,
  publishEvent,
  type DomainEvent,
  type EventBus,
  OutboxRelay,
  outboxMigration,
  type OutboxTables,
  processedEventsMigration,
  type ProcessedEventsTables,
} from './events';
import { z } from 'zod';
import { createLogger } from './logger';
import { createTestDatabase, eventually, type TestDatabase } from './testing';

// Real RabbitMQ and Postgres from the local stack.
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = createLogger('events-test', 'silent');

interface Tables extends OutboxTables, ProcessedEventsTables {}

let testDb: TestDatabase<Tables>;
let bus: EventBus;
const queue = `test.events.${randomUUID()}`;
const routingKey = `test.happened_${randomUUID().slice(0, 8).replaceAll('-', '')}`;

beforeAll(async () => {
  testDb = await createTestDatabase<Tables>('events', {
    '0001': outboxMigration,
    '0002': processedEventsMigration,
  });
  bus = await connectEventBus(RABBITMQ_URL);
});

afterAll(async () => {
  await bus?.channel.deleteQueue(queue).catch(() => undefined);
  await bus?.close();
  await testDb?.drop();
});

/** A consumer on the test queue that records every event it handles. */
async function recordingConsumer() {
  const handled: DomainEvent[] = [];
  const consumer = await consumeEvents({
    bus,
    db: testDb.db,
    queue,
    bindings: [routingKey],
    logger,
    handle: async (event) => {
      handled.push(event);
    },
  });
  return { handled, consumer };
}

it('relays committed outbox events to consumers exactly once per event id', async () => {
  const { handled, consumer } = await recordingConsumer();

  const committed = domainEvent('test', routingKey, { n: 1 });
  await testDb.db.transaction().execute((trx) => enqueueEvent(trx, committed));
  // An event whose transaction rolled back must never leave the service.
  const rolledBack = domainEvent('test', routingKey, { n: 2 });
  await testDb.db
    .transaction()
    .execute(async (trx) => {
      await enqueueEvent(trx, rolledBack);
      throw new Error('rollback');
    })
    .catch(() => undefined);

  const relay = new OutboxRelay({ db: testDb.db, bus, logger });
  expect(await relay.publishPending()).toBe(1);
  expect(await relay.publishPending()).toBe(0);

  // A redelivery (the relay crashed after publishing, before marking) is applied once.
  publishEvent(bus.channel, committed);
  await bus.channel.waitForConfirms();

  await eventually(
    async () => handled.length,
    (n) => n >= 1,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(handled.map((e) => e.id)).toEqual([committed.id]);
  const processed = await testDb.db.selectFrom('processed_events').selectAll().execute();
  expect(processed.map((p) => p.event_id)).toEqual([committed.id]);
  await consumer.cancel();
});

it('drops malformed messages instead of redelivering them forever', async () => {
  const { handled, consumer } = await recordingConsumer();
  bus.channel.publish(DOMAIN_EXCHANGE, routingKey, Buffer.from('{"not":"an event"}'));
  const valid = domainEvent('test', routingKey, { n: 3 });
  publishEvent(bus.channel, valid);
  await bus.channel.waitForConfirms();

  await eventually(
    async () => handled.map((e) => e.id),
    (ids) => ids.includes(valid.id),
  );
  const { messageCount } = await bus.channel.checkQueue(queue);
  expect(messageCount).toBe(0);
  await consumer.cancel();
});

it('drops an event whose data the handler cannot read, so the events behind it still flow', async () => {
  const idempotentQueue = `test.events.unreadable.${randomUUID()}`;
  const handled: DomainEvent[] = [];
  const consumer = await consumeIdempotentEvents({
    bus,
    queue: idempotentQueue,
    bindings: [routingKey],
    logger,
    prefetch: 1,
    handle: async (event) => {
      z.object({ n: z.number() }).parse(event.data);
      handled.push(event);
    },
  });
  const unreadable = domainEvent('test', routingKey, { n: 'not a number' });
  const readable = domainEvent('test', routingKey, { n: 4 });
  publishEvent(bus.channel, unreadable);
  publishEvent(bus.channel, readable);
  await bus.channel.waitForConfirms();

  await eventually(
    async () => handled.map((e) => e.id),
    (ids) => ids.includes(readable.id),
  );
  expect(handled.map((e) => e.id)).toEqual([readable.id]);
  await consumer.cancel();
  await bus.channel.deleteQueue(idempotentQueue);
});
