import type { BookingState } from '#lib/bookings/types.ts';
import { listingTitle } from '#lib/listings/title.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import { profileOf, publishedListingsOf } from '#lib/server/lookups.ts';
import { previewRefund } from '#lib/server/refund-preview.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const viewer = requireUser(event);
  let booking: BookingState;
  try {
    booking = await api<BookingState>(event, `/api/bookings/${encodeURIComponent(event.params.id)}`);
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  const listing = (await publishedListingsOf(event, [booking.listingId])).get(booking.listingId);
  // The guest sees who hosts them; the host (or an admin) sees who stays.
  const otherId = booking.guestId === viewer.id ? listing?.hostId : booking.guestId;
  const other = otherId ? await profileOf(event, otherId) : undefined;
  return {
    booking,
    place: listing && {
      title: listingTitle(listing, event.locals.locale),
      city: listing.city,
      address: listing.address,
      checkInTime: listing.checkInTime,
      checkOutTime: listing.checkOutTime,
    },
    other: other && { role: otherId === booking.guestId ? ('guest' as const) : ('host' as const), profile: other },
    refundPreview: previewRefund(booking),
    created: event.url.searchParams.has('created'),
  };
};

export const actions: Actions = {
  cancel: async (event) => {
    requireUser(event);
    const reason = String((await event.request.formData()).get('reason') ?? '').trim();
    try {
      const booking = await api<BookingState>(event, `/api/bookings/${encodeURIComponent(event.params.id)}/cancel`, {
        method: 'POST',
        body: reason ? { reason } : {},
      });
      return { cancelled: true, refund: booking.refund ?? null };
    } catch (err) {
      return actionFailure(err, event.locals.locale, { reason });
    }
  },
};
