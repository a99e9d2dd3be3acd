import type { ConfirmChannel } from 'amqplib';
import { z } from 'zod';
import { isoDateSchema } from './dates';
import { type DomainEvent, type EventBus, publishEvent } from './events';
import type { Logger } from './logger';
import { withoutNul } from './text';

/**
 * The events that exist for analytics (its funnel, searches and views), shared by their producers and the
 * analytics service, which parses them with these schemas. Adding a field is compatible; removing or retyping
 * one needs a new version.
 */
export const ANALYTICS_CONTRACT_EVENTS = {
  /** The search service ran a guest's search for a named city (search). */
  searchPerformed: 'search.performed',
  /** Someone other than its host opened a listing's public page (listings). */
  listingViewed: 'listing.viewed',
  /** A booking's dates are held and it enters the flow, Instant Book or a request to the host (bookings). */
  bookingRequested: 'booking.requested',
  /** The host (or an admin) approved a request to book (bookings). */
  bookingApproved: 'booking.approved',
} as const;

const id = withoutNul(z.string().min(1).max(200));
export const citySchema = withoutNul(z.string().trim().min(1).max(200));

/** Version 1 of search.performed: the search as the search service ran it. */
export const searchPerformedSchema = z.object({
  city: citySchema,
  checkIn: isoDateSchema.nullable().default(null),
  guests: z.number().int().positive().nullable().default(null),
  /** How many listings the search found. */
  results: z.number().int().nonnegative(),
});
export type SearchPerformed = z.input<typeof searchPerformedSchema>;

/** Version 1 of listing.viewed. */
export const listingViewedSchema = z.object({ listingId: id });
export type ListingViewed = z.input<typeof listingViewedSchema>;

/** Version 1 of booking.requested, emitted with the held dates (bookings' holdDates). */
export const bookingRequestedSchema = z.object({
  bookingId: id,
  listingId: id,
  hostId: id,
  checkIn: isoDateSchema,
  checkOut: isoDateSchema,
  /** A request to book waits for the host; only those count towards host response times. */
  instantBook: z.boolean(),
});
export type BookingRequested = z.input<typeof bookingRequestedSchema>;

/** Version 1 of booking.approved. */
export const bookingApprovedSchema = z.object({ bookingId: id, listingId: id });
export type BookingApproved = z.input<typeof bookingApprovedSchema>;

/** Sends events that may be lost, without the caller ever waiting for the broker or seeing its failures. */
export interface BestEffortPublisher {
  publish(event: DomainEvent): void;
  close(): Promise<void>;
}

/**
 * For events too frequent for an outbox write each (a search, a page view) whose loss only makes a statistic
 * a little low. A channel of its own, so the broker closing it (or a nack) never disturbs the outbox relays
 * that wait for confirms on the bus's channel; confirms are never awaited here.
 */
export async function openBestEffortPublisher(bus: EventBus, logger: Logger): Promise<BestEffortPublisher> {
  const channel: ConfirmChannel = await bus.connection.createConfirmChannel();
  let closed = false;
  // Without a listener, a channel error would be thrown as an uncaught 'error' event and end the process.
  channel.on('error', (err: unknown) => logger.warn({ err }, 'best-effort event channel failed'));
  channel.on('close', () => {
    closed = true;
  });
  return {
    publish(event) {
      try {
        publishEvent(channel, event);
      } catch (err) {
        logger.warn({ err, eventId: event.id, type: event.type }, 'dropping a best-effort event');
      }
    },
    async close() {
      if (!closed) await channel.close();
    },
  };
}
