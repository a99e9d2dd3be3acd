import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { type Generated, type Kysely, sql, type Transaction } from 'kysely';
import type { Migration } from 'kysely/migration';
import { z } from 'zod';
import type { Logger } from './logger';

/** One topic exchange carries every domain event; the routing key is the event type (`booking.confirmed`). */
export const DOMAIN_EXCHANGE = 'kvartirnsk.events';

export const domainEventSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z0-9_]+)+$/),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

/** Versioned JSON with an id, so consumers can dedupe and evolve. */
export type DomainEvent = z.infer<typeof domainEventSchema>;

export function domainEvent(
  source: string,
  type: string,
  data: Record<string, unknown>,
  version = 1,
  occurredAt = new Date(),
): DomainEvent {
  return { id: randomUUID(), type, version, occurredAt: occurredAt.toISOString(), source, data };
}

export interface OutboxTable {
  id: string;
  type: string;
  payload: DomainEvent;
  created_at: Generated<Date>;
  published_at: Generated<Date | null>;
}

export interface ProcessedEventsTable {
  consumer: string;
  event_id: string;
  processed_at: Generated<Date>;
}

export interface OutboxTables {
  outbox: OutboxTable;
}

export interface ProcessedEventsTables {
  processed_events: ProcessedEventsTable;
}

/** The outbox schema; each producing service includes it in its own migrations. */
export const outboxMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'uuid', (col) => col.primaryKey())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('payload', 'jsonb', (col) => col.notNull())
      .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addColumn('published_at', 'timestamptz')
      .execute();
    await sql`CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL`.execute(db);
  },
};

/** The dedupe table of idempotent consumers; each consuming service includes it in its migrations. */
export const processedEventsMigration: Migration = {
  async up(db) {
    await db.schema
      .createTable('processed_events')
      .addColumn('consumer', 'text', (col) => col.notNull())
      .addColumn('event_id', 'uuid', (col) => col.notNull())
      .addColumn('processed_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('processed_events_pk', ['consumer', 'event_id'])
      .execute();
  },
};

/**
 * Records an event in the same transaction as the change it describes, so either both happen or neither:
 * the relay publishes it later, at least once.
 */
export async function enqueueEvent<Database extends OutboxTables>(
  trx: Kysely<Database> | Transaction<Database>,
  event: DomainEvent,
): Promise<void> {
  // Kysely cannot see through the generic that Database has the outbox table; the cast is only for that.
  const outbox = trx as unknown as Kysely<OutboxTables>;
  await outbox.insertInto('outbox').values({ id: event.id, type: event.type, payload: event }).execute();
}

export interface EventBus {
  connection: ChannelModel;
  channel: ConfirmChannel;
  close(): Promise<void>;
}

export async function connectEventBus(url: string): Promise<EventBus> {
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(DOMAIN_EXCHANGE, 'topic', { durable: true });
  return {
    connection,
    channel,
    async close() {
      await connection.close();
    },
  };
}

/** Publishes one event persistently; on a confirm channel, await `waitForConfirms()` before relying on it. */
export function publishEvent(channel: ConfirmChannel, event: DomainEvent): void {
  channel.publish(DOMAIN_EXCHANGE, event.type, Buffer.from(JSON.stringify(event)), {
    persistent: true,
    messageId: event.id,
    type: event.type,
    contentType: 'application/json',
    timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
  });
}

export interface OutboxRelayOptions {
  db: Kysely<OutboxTables>;
  bus: EventBus;
  logger: Logger;
  batchSize?: number;
  intervalMs?: number;
}

/**
 * Moves committed outbox rows to RabbitMQ. Rows are locked with SKIP LOCKED so several relays can run,
 * and marked published only after the broker confirmed them: a crash in between re-sends, never loses.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Publishes one batch; returns how many events went out. */
  async publishPending(): Promise<number> {
    const { db, bus, batchSize = 100 } = this.options;
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'payload'])
        .where('published_at', 'is', null)
        .orderBy('created_at')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return 0;
      for (const row of rows) publishEvent(bus.channel, row.payload);
      await bus.channel.waitForConfirms();
      await trx
        .updateTable('outbox')
        .set({ published_at: sql<Date>`now()` })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.length;
    });
  }

  start(): void {
    const { intervalMs = 250, logger } = this.options;
    const tick = async () => {
      try {
        while ((await this.publishPending()) > 0);
      } catch (err) {
        logger.warn({ err }, 'outbox relay failed; will retry');
      }
      this.timer = setTimeout(() => {
        this.running = tick();
      }, intervalMs);
    };
    this.running = tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }
}

export interface SubscriptionOptions {
  bus: EventBus;
  /** Durable queue name; for consumeEvents also the consumer's identity in processed_events. */
  queue: string;
  /** Routing-key patterns, e.g. `listing.*`. */
  bindings: string[];
  logger: Logger;
  prefetch?: number;
}

export interface Subscription {
  cancel(): Promise<void>;
}

/**
 * Consumes domain events with a handler that is idempotent by construction (upserts keyed by ids, versioned
 * writes): RabbitMQ delivers at least once, so a redelivered event must leave the same state. A malformed
 * message, or one whose data the handler's schema rejects (a ZodError), is dropped without requeue (it would
 * never succeed); any other failure requeues; a message is acknowledged only after its handler finished.
 */
export async function consumeIdempotentEvents(
  options: SubscriptionOptions & { handle: (event: DomainEvent) => Promise<void> },
): Promise<Subscription> {
  const { bus, queue, bindings, logger, prefetch = 20, handle } = options;
  const channel = await bus.connection.createChannel();
  await channel.assertExchange(DOMAIN_EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  for (const pattern of bindings) await channel.bindQueue(queue, DOMAIN_EXCHANGE, pattern);
  await channel.prefetch(prefetch);

  const onMessage = async (message: ConsumeMessage) => {
    let event: DomainEvent;
    try {
      event = domainEventSchema.parse(JSON.parse(message.content.toString('utf8')));
    } catch (err) {
      logger.error({ err, queue }, 'dropping malformed event');
      channel.reject(message, false);
      return;
    }
    try {
      await handle(event);
      channel.ack(message);
    } catch (err) {
      if (err instanceof z.ZodError) {
        // Data this consumer cannot read now will not read later either: requeueing it would only block the
        // messages behind it.
        logger.error(
          { err, queue, eventId: event.id, type: event.type },
          'dropping event with unreadable data',
        );
        channel.reject(message, false);
        return;
      }
      logger.warn({ err, queue, eventId: event.id, type: event.type }, 'event handler failed; requeueing');
      channel.nack(message, false, true);
    }
  };

  const { consumerTag } = await channel.consume(queue, (message) => {
    if (message) void onMessage(message);
  });
  return {
    async cancel() {
      await channel.cancel(consumerTag);
      await channel.close();
    },
  };
}

export interface ConsumerOptions<Database extends ProcessedEventsTables> extends SubscriptionOptions {
  db: Kysely<Database>;
  /** Runs in the same transaction as the dedupe record, so a redelivered event is applied once. */
  handle: (event: DomainEvent, trx: Kysely<Database>) => Promise<void>;
}

/**
 * Consumes domain events exactly once per event id for a Postgres service: the handler runs in the
 * transaction that records the id in processed_events, and an id seen before is acknowledged and skipped.
 */
export async function consumeEvents<Database extends ProcessedEventsTables>(
  options: ConsumerOptions<Database>,
): Promise<Subscription> {
  const { queue, handle } = options;
  // Kysely cannot see that Database extends the dedupe table through the generic; the cast is only for that.
  const db = options.db as unknown as Kysely<ProcessedEventsTables>;
  return consumeIdempotentEvents({
    ...options,
    handle: (event) =>
      db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('processed_events')
          .values({ consumer: queue, event_id: event.id })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        if (inserted.numInsertedOrUpdatedRows === 0n) return;
        await handle(event, trx as unknown as Kysely<Database>);
      }),
  });
}
