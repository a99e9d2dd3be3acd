import type { Client } from '@elastic/elasticsearch';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { DOMAIN_EXCHANGE, type DomainEvent, domainEventSchema } from '@kvartirnsk/lib/events';
import type { Logger } from '@kvartirnsk/lib/logger';
import { ensureListingsIndex } from './mapping';
import { INDEXED_EVENT_TYPES, stateFromEvent } from './listing-state';
import { mergeIntoIndex } from './store';

/** The search indexer's durable queue in production; tests pass their own. */
export const SEARCH_INDEXER_QUEUE = 'search.listings';

export interface EventIndexerOptions {
  connection: ChannelModel;
  client: Client;
  /** The alias the indexer writes through (`listings`). */
  alias: string;
  queue: string;
  logger: Logger;
  prefetch?: number;
  /** Pause before a failed event goes back to the queue, so an Elasticsearch outage is not a busy loop. */
  retryDelayMs?: number;
}

export interface EventIndexer {
  /** Stops taking events and waits for the ones in hand to be written and acknowledged. */
  stop(): Promise<void>;
}

function parseEvent(message: ConsumeMessage): DomainEvent {
  return domainEventSchema.parse(JSON.parse(message.content.toString('utf8')));
}

/**
 * Applies domain events to the search index. There is no dedupe table: every write is an idempotent merge
 * (see listing-state.ts), so a redelivered or reordered event leaves the same document, and a message is
 * acknowledged only after Elasticsearch confirmed the write. A booking event for a listing not indexed yet
 * creates a document holding only the stay; listing.published later fills in the rest.
 */
export async function startEventIndexer(options: EventIndexerOptions): Promise<EventIndexer> {
  const { connection, client, alias, queue, logger, prefetch = 16, retryDelayMs = 1000 } = options;
  await ensureListingsIndex(client, alias);
  const channel = await connection.createChannel();
  await channel.assertExchange(DOMAIN_EXCHANGE, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  for (const type of INDEXED_EVENT_TYPES) await channel.bindQueue(queue, DOMAIN_EXCHANGE, type);
  await channel.prefetch(prefetch);

  const inFlight = new Set<Promise<void>>();

  const handle = async (message: ConsumeMessage) => {
    let event: DomainEvent;
    let patch: ReturnType<typeof stateFromEvent>;
    try {
      event = parseEvent(message);
      patch = stateFromEvent(event);
    } catch (err) {
      // It would fail the same way on every redelivery; the producer has a bug to fix.
      logger.error({ err, queue, content: message.content.toString('utf8') }, 'dropping malformed event');
      channel.reject(message, false);
      return;
    }
    try {
      const outcome = patch ? await mergeIntoIndex(client, alias, patch) : 'ignored';
      logger.debug({ eventId: event.id, type: event.type, outcome }, 'event indexed');
      channel.ack(message);
    } catch (err) {
      logger.warn({ err, eventId: event.id, type: event.type }, 'indexing failed; requeueing');
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      channel.nack(message, false, true);
    }
  };

  const { consumerTag } = await channel.consume(queue, (message) => {
    if (!message) return;
    const work = handle(message)
      .catch((err: unknown) =>
        logger.error({ err, queue }, 'could not settle an event; the broker redelivers it'),
      )
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  logger.info({ queue, alias }, 'search indexer consuming');

  return {
    async stop() {
      await channel.cancel(consumerTag);
      await Promise.all(inFlight);
      await channel.close();
    },
  };
}
