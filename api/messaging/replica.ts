import { z } from 'zod';
import type { DomainEvent } from '@kvartirnsk/lib/events';
import { LISTING_EVENTS, publishedListingSchema } from '@kvartirnsk/lib/listing-events';
import { conversationId, type MessagingModels } from './models';

export const MESSAGING_EVENTS_QUEUE = 'messaging.events';
export const MESSAGING_EVENT_BINDINGS = [
  LISTING_EVENTS.published,
  LISTING_EVENTS.updated,
  'booking.confirmed',
];

const bookingConfirmedSchema = z.object({
  bookingId: z.string().min(1),
  listingId: z.string().min(1),
  hostId: z.string().min(1),
  guestId: z.string().min(1),
});

/**
 * What messaging learns from other services: whose listing is whose (to route a guest's enquiry), and which
 * guest and host have a confirmed booking (to stop masking their contact details). Upserts keyed by ids, so a
 * redelivered event changes nothing.
 */
export async function applyMessagingEvent({ Listing, Conversation }: MessagingModels, event: DomainEvent) {
  if (event.type === 'booking.confirmed') {
    const booking = bookingConfirmedSchema.parse(event.data);
    await Conversation.updateOne(
      { _id: conversationId(booking.listingId, booking.guestId) },
      {
        $setOnInsert: { listingId: booking.listingId, guestId: booking.guestId, hostId: booking.hostId },
        $set: { contactsAllowed: true },
        $addToSet: { bookingIds: booking.bookingId },
      },
      { upsert: true, setDefaultsOnInsert: true },
    );
    return;
  }
  const listing = publishedListingSchema
    .pick({ listingId: true, hostId: true, title: true })
    .parse(event.data);
  await Listing.updateOne(
    { _id: listing.listingId },
    { $set: { hostId: listing.hostId, title: listing.title } },
    { upsert: true },
  );
}
