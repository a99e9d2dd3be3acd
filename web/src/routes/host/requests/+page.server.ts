import type { BookingPage, BookingState } from '#lib/bookings/types.ts';
import { listingTitle } from '#lib/listings/title.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { profilesOf, publishedListingsOf } from '#lib/server/lookups.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'host');
  const awaitingOnly = event.url.searchParams.get('show') !== 'all';
  const query = new URLSearchParams({ as: 'host', limit: '50' });
  if (awaitingOnly) query.set('status', 'awaiting_approval');
  let bookings: BookingPage;
  try {
    bookings = await api<BookingPage>(event, `/api/bookings?${query}`);
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  // Who asks and for which flat: the users' and listings' services; without them the page shows references.
  const [guests, listings] = await Promise.all([
    profilesOf(event, bookings.items.map((booking) => booking.guestId)),
    publishedListingsOf(event, bookings.items.map((booking) => booking.listingId)),
  ]);
  const titles = Object.fromEntries([...listings].map(([id, listing]) => [id, listingTitle(listing, event.locals.locale)]));
  return { bookings, awaitingOnly, guests: Object.fromEntries(guests), titles };
};

async function decide(event: Parameters<Actions[string]>[0], decision: 'approve' | 'decline') {
  requireRole(event, 'host');
  const form = await event.request.formData();
  const bookingId = String(form.get('bookingId') ?? '');
  const reason = String(form.get('reason') ?? '').trim();
  try {
    await api<BookingState>(event, `/api/bookings/${encodeURIComponent(bookingId)}/${decision}`, {
      method: 'POST',
      body: reason ? { reason } : {},
    });
  } catch (err) {
    return actionFailure(err, event.locals.locale, { bookingId });
  }
  return { decided: decision, bookingId };
}

export const actions: Actions = {
  approve: (event) => decide(event, 'approve'),
  decline: (event) => decide(event, 'decline'),
};
