import type { BookingPage, BookingState } from '#lib/bookings/types.ts';
import type { ListingPage } from '#lib/listings/types.ts';
import { api, ApiError, type CallContext } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { profilesOf } from '#lib/server/profiles.ts';
import type { Actions, PageServerLoad } from './$types';

/** The host's listing titles by id (the first hundred); empty when the listings service cannot say. */
async function listingTitles(event: CallContext): Promise<Record<string, string>> {
  try {
    const page = await api<ListingPage>(event, '/api/listings/mine?limit=100');
    return Object.fromEntries(page.items.map((listing) => [listing.id, listing.title]));
  } catch (err) {
    if (err instanceof ApiError) return {};
    throw err;
  }
}

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
  const [guests, titles] = await Promise.all([
    profilesOf(event, bookings.items.map((booking) => booking.guestId)),
    listingTitles(event),
  ]);
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
