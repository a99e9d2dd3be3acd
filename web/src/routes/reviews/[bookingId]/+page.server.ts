import { fail } from '@sveltejs/kit';
import { GUEST_CATEGORIES, type BookingReviews } from '#lib/reviews/types.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

const reviewsPath = (bookingId: string) => `/api/reviews/bookings/${encodeURIComponent(bookingId)}`;

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  try {
    return { bookingId: event.params.bookingId, reviews: await api<BookingReviews>(event, reviewsPath(event.params.bookingId)) };
  } catch (err) {
    // No window yet (the stay is not over) or not a party: the page says when a review can be written.
    if (err instanceof ApiError && err.status === 404) return { bookingId: event.params.bookingId, reviews: null };
    pageFailure(err, event.locals.locale);
  }
};

const stars = (form: FormData, name: string) => Number(form.get(name) ?? 0);

export const actions: Actions = {
  default: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    const side = form.get('side') === 'host' ? 'host' : 'guest';
    const text = String(form.get('text') ?? '').trim();
    const ratings = side === 'guest' ? ['overall', ...GUEST_CATEGORIES] : ['rating'];
    const missing = ratings.filter((name) => !(stars(form, name) >= 1));
    if (missing.length) {
      const message = event.locals.locale === 'ru' ? 'Поставьте оценку от 1 до 5 звёзд.' : 'Give a rating from 1 to 5 stars.';
      return fail(400, { message, fields: Object.fromEntries(missing.map((name) => [name, message])), values: { text } });
    }
    const body =
      side === 'guest'
        ? {
            overall: stars(form, 'overall'),
            categories: Object.fromEntries(GUEST_CATEGORIES.map((category) => [category, stars(form, category)])),
            text,
          }
        : { rating: stars(form, 'rating'), text };
    try {
      await api(event, `${reviewsPath(event.params.bookingId)}/${side}`, { method: 'POST', body });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { text });
    }
    return { submitted: true };
  },
};
