import type { BookingState } from '#lib/bookings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import { previewRefund } from '#lib/server/refund-preview.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  let booking: BookingState;
  try {
    booking = await api<BookingState>(event, `/api/bookings/${encodeURIComponent(event.params.id)}`);
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  return {
    booking,
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
