import type { BookingState, BookingStatus } from '#lib/bookings/types.ts';
import { describeProblem } from '#lib/problem.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { requireRole } from '#lib/server/guard.ts';
import { bookingsByStatusUrl, bookingsOfListingUrl, bookingWorkflowUrl } from '#lib/server/temporal-links.ts';
import type { PageServerLoad } from './$types';

const STATUSES: BookingStatus[] = ['awaiting_approval', 'confirmed', 'completed', 'declined', 'expired', 'cancelled', 'failed'];

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'admin');
  const id = event.url.searchParams.get('id')?.trim() ?? '';
  let booking: BookingState | null = null;
  let lookupError: string | null = null;
  if (id) {
    try {
      booking = await api<BookingState>(event, `/api/bookings/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      lookupError = describeProblem(err.problem, event.locals.locale).message;
    }
  }
  return {
    id,
    booking,
    lookupError,
    links: booking
      ? { workflow: bookingWorkflowUrl(booking.bookingId), listing: bookingsOfListingUrl(booking.listingId) }
      : null,
    byStatus: STATUSES.map((status) => ({ status, url: bookingsByStatusUrl(status) })),
  };
};
