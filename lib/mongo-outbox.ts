import type { ConfirmChannel } from 'amqplib';
import { Schema, type Model } from 'mongoose';
import { type DomainEvent, publishEvent } from './events';
import type { Logger } from './logger';

/**
 * The transactional outbox for MongoDB services. FerretDB has no multi-document transactions, so a document
 * carries its own unpublished events: a change and its events are one single-document write, and the relay
 * publishes them and removes them afterwards (at least once; consumers dedupe by event id).
 *
 *   await Listing.create({ ...fields, pendingEvents: [event] });
 *   await Listing.findOneAndUpdate(filter, { $set: changes, ...pushEvents(event) });
 */
export const pendingEventsDefinition = { type: [Schema.Types.Mixed], default: [] };

export interface WithPendingEvents {
  pendingEvents: DomainEvent[];
}

/** The update operator that appends events to the document being changed, in the same write. */
export function pushEvents(...events: DomainEvent[]): { $push: { pendingEvents: { $each: DomainEvent[] } } } {
  return { $push: { pendingEvents: { $each: events } } };
}

export interface MongoOutboxRelayOptions {
  // The relay reads and writes only `_id` and `pendingEvents`, whatever else the documents hold.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  models: Model<any>[];
  channel: ConfirmChannel;
  logger: Logger;
  batchSize?: number;
  /** A safety net: producers in the same process call `wake()` after a write, so events go out at once. */
  intervalMs?: number;
}

const HAS_PENDING = { 'pendingEvents.0': { $exists: true } };

export class MongoOutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private again = false;

  constructor(private readonly options: MongoOutboxRelayOptions) {}

  /** Publishes one batch per model; returns how many events went out. */
  async relayOnce(): Promise<number> {
    const { models, channel, batchSize = 100 } = this.options;
    let published = 0;
    for (const model of models) {
      const documents = await model
        .find(HAS_PENDING, { pendingEvents: 1 })
        .limit(batchSize)
        .lean<Array<{ _id: unknown } & WithPendingEvents>>();
      if (documents.length === 0) continue;
      for (const document of documents) {
        for (const event of document.pendingEvents) publishEvent(channel, event);
      }
      await channel.waitForConfirms();
      // Removed only after the broker confirmed: a crash in between re-sends them, never loses them. $pullAll
      // removes exactly the events read (whole-value equality, which FerretDB supports where $pull with $in
      // is not), so events pushed meanwhile stay.
      for (const document of documents) {
        await model.updateOne({ _id: document._id }, { $pullAll: { pendingEvents: document.pendingEvents } });
        published += document.pendingEvents.length;
      }
    }
    return published;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Relays now instead of at the next tick (call after writing events). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const { intervalMs = 1000, logger } = this.options;
    try {
      do {
        this.again = false;
        while ((await this.relayOnce()) > 0);
      } while (this.again);
    } catch (err) {
      logger.warn({ err }, 'mongo outbox relay failed; will retry');
    }
    this.running = undefined;
    if (!this.stopped) this.schedule(intervalMs);
  }
}
