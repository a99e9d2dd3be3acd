import { randomUUID } from 'node:crypto';
import { redirect } from '@sveltejs/kit';
import type { BookingState } from '#lib/bookings/types.ts';
import { addDays } from '#lib/format.ts';
import type { PublishedListing } from '#lib/listings/types.ts';
import type { Sent } from '#lib/messaging/types.ts';
import type { ReviewPage } from '#lib/reviews/types.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { actionFailure, requireUser } from '#lib/server/guard.ts';
import { profileOf, savedAmong } from '#lib/server/lookups.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { id } = event.params;
  let listing: PublishedListing | null = null;
  try {
    listing = await api<PublishedListing>(event, `/api/listings/${encodeURIComponent(id)}`);
  } catch (err) {
    // Until the listings service answers through the gateway, the page still books by id.
    if (!(err instanceof ApiError)) throw err;
  }
  // Reviews come from another service: the page is useful without them.
  const reviewsQuery = new URLSearchParams({ limit: '10' });
  const cursor = event.url.searchParams.get('reviews');
  if (cursor) reviewsQuery.set('cursor', cursor);
  const reviews = await api<ReviewPage>(event, `/api/reviews/listings/${encodeURIComponent(id)}?${reviewsQuery}`, {
    anonymous: true,
  }).catch((err: unknown) => {
    if (err instanceof ApiError) return null;
    throw err;
  });
  // Profiles are for signed-in users: visitors see the listing without its host's.
  const host = listing && event.locals.user ? ((await profileOf(event, listing.hostId)) ?? null) : null;
  // Whether the reader saved it; null for visitors, whose ♡ asks them to sign in.
  const saved = listing && event.locals.user ? (await savedAmong(event, [id])).has(id) : null;
  const today = new Date().toISOString().slice(0, 10);
  const query = event.url.searchParams;
  return {
    id,
    listing,
    host,
    reviews,
    saved,
    today,
    // The bookings API takes a check-in from yesterday (UTC) on: "tonight" for a guest behind UTC, or the
    // night already under way for one arriving after midnight.
    earliestCheckIn: addDays(today, -1),
    stay: {
      checkIn: query.get('checkIn') || addDays(today, 14),
      checkOut: query.get('checkOut') || addDays(today, 17),
      guests: query.get('guests') || '1',
    },
    // One id per rendered form: a double click or a retried submission is the same booking.
    bookingId: randomUUID(),
    signedIn: event.locals.user !== null,
  };
};

async function setSaved(event: Parameters<Actions[string]>[0], saved: boolean) {
  requireUser(event);
  try {
    await api(event, `/api/listings/${encodeURIComponent(event.params.id)}/saved`, {
      method: saved ? 'PUT' : 'DELETE',
    });
  } catch (err) {
    return actionFailure(err, event.locals.locale, { form: 'save' });
  }
}

export const actions: Actions = {
  save: (event) => setSaved(event, true),
  unsave: (event) => setSaved(event, false),
  ask: async (event) => {
    requireUser(event);
    const text = String((await event.request.formData()).get('text') ?? '').trim();
    let sent: Sent;
    try {
      sent = await api<Sent>(event, '/api/messaging/conversations', {
        method: 'POST',
        body: { listingId: event.params.id, text },
      });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { text, form: 'ask' });
    }
    redirect(303, `/messages/${encodeURIComponent(sent.conversation.id)}${sent.notice ? '?masked' : ''}`);
  },
  book: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    const values = {
      bookingId: String(form.get('bookingId') ?? ''),
      checkIn: String(form.get('checkIn') ?? ''),
      checkOut: String(form.get('checkOut') ?? ''),
      guests: String(form.get('guests') ?? ''),
      paymentMethod: String(form.get('paymentMethod') ?? 'pm_card_visa'),
    };
    let state: BookingState;
    try {
      state = await api<BookingState>(event, '/api/bookings', {
        method: 'POST',
        body: { ...values, listingId: event.params.id, guests: Number(values.guests) },
      });
    } catch (err) {
      return actionFailure(err, event.locals.locale, values);
    }
    redirect(303, `/trips/${state.bookingId}?created`);
  },
};
