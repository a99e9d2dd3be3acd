import type { BookingPage } from '#lib/bookings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireUser } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  try {
    return { trips: await api<BookingPage>(event, '/api/bookings?as=guest&limit=50') };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
