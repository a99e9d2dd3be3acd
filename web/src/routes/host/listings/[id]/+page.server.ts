import { fail } from '@sveltejs/kit';
import { bookedStays, type BookedStay } from '#lib/bookings/host-calendar.ts';
import type { BookingPage, BookingSummary } from '#lib/bookings/types.ts';
import type { ListingView } from '#lib/listings/types.ts';
import type { ReviewPage } from '#lib/reviews/types.ts';
import { api, ApiError, type CallContext } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { profilesOf } from '#lib/server/lookups.ts';
import { formValuesOf, listingBody, readListingForm } from '#lib/server/listing-form.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const listingPath = (id: string) => `/api/listings/${encodeURIComponent(id)}`;

/** The newest bookings of the listing read for its calendar: far more than a flat holds ahead of today. */
const BOOKING_PAGE_SIZE = 100;

/**
 * The stays holding this listing's nights from today on; null when the bookings service cannot say, so the
 * page still works for editing.
 */
async function staysAt(event: CallContext, listingId: string): Promise<BookedStay[] | null> {
  const query = new URLSearchParams({ as: 'host', listingId, limit: String(BOOKING_PAGE_SIZE) });
  let bookings: BookingSummary[];
  try {
    bookings = (await api<BookingPage>(event, `/api/bookings?${query}`)).items;
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
  const guests = await profilesOf(event, bookings.map((booking) => booking.guestId));
  const guestNames = new Map([...guests].map(([id, profile]) => [id, profile.displayName]));
  return bookedStays(bookings, listingId, new Date().toISOString().slice(0, 10), guestNames);
}

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'host', 'admin');
  const id = event.params.id;
  let listing: ListingView;
  try {
    listing = await api<ListingView>(event, listingPath(id));
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  // Reviews and bookings are other services': without them the host can still edit the listing.
  const [reviews, stays] = await Promise.all([
    api<ReviewPage>(event, `/api/reviews/listings/${encodeURIComponent(id)}?limit=50`, {
      anonymous: true,
    }).catch((err: unknown) => {
      if (err instanceof ApiError) return null;
      throw err;
    }),
    staysAt(event, id),
  ]);
  return {
    listing,
    values: formValuesOf(listing),
    reviews,
    stays,
    today: new Date().toISOString().slice(0, 10),
    created: event.url.searchParams.has('created'),
  };
};

async function current(event: CallContext & { params: { id: string } }) {
  return api<ListingView>(event, listingPath(event.params.id));
}

/** Runs one change of the listing and answers the form it came from. */
async function change(event: RequestEvent, done: string, call: () => Promise<unknown>, values: Record<string, unknown> = {}) {
  requireRole(event, 'host', 'admin');
  try {
    await call();
  } catch (err) {
    return actionFailure(err, event.locals.locale, { ...values, form: done });
  }
  return { done };
}

export const actions: Actions = {
  save: async (event) => {
    requireRole(event, 'host', 'admin');
    const values = readListingForm(await event.request.formData());
    const { body, failure } = listingBody(values, event.locals.locale);
    if (failure) return failure;
    return change(event, 'save', () => api(event, listingPath(event.params.id), { method: 'PATCH', body }), values);
  },

  upload: async (event) => {
    requireRole(event, 'host', 'admin');
    const files = (await event.request.formData()).getAll('photo').filter((file): file is File => file instanceof File && file.size > 0);
    if (files.length === 0) {
      const message = event.locals.locale === 'ru' ? 'Выберите хотя бы одну фотографию.' : 'Choose at least one photo.';
      return fail(400, { message, fields: { photo: message } as Record<string, string>, values: { form: 'upload' } });
    }
    // One photo per request, in the order chosen: each is checked and stored on its own.
    return change(event, 'upload', async () => {
      for (const file of files) {
        const body = new FormData();
        body.set('photo', file, file.name);
        await api(event, `${listingPath(event.params.id)}/photos`, { method: 'POST', rawBody: body });
      }
    });
  },

  deletePhoto: async (event) => {
    const photoId = String((await event.request.formData()).get('photoId') ?? '');
    return change(event, 'photos', () =>
      api(event, `${listingPath(event.params.id)}/photos/${encodeURIComponent(photoId)}`, { method: 'DELETE' }),
    );
  },

  movePhoto: async (event) => {
    const form = await event.request.formData();
    const photoId = String(form.get('photoId') ?? '');
    const by = form.get('direction') === 'earlier' ? -1 : 1;
    return change(event, 'photos', async () => {
      const ids = (await current(event)).photos.map((photo) => photo.id);
      const from = ids.indexOf(photoId);
      const to = from + by;
      if (from < 0 || to < 0 || to >= ids.length) return;
      [ids[from], ids[to]] = [ids[to]!, ids[from]!];
      await api(event, `${listingPath(event.params.id)}/photos/order`, { method: 'PUT', body: { photoIds: ids } });
    });
  },

  addBlock: async (event) => {
    const form = await event.request.formData();
    const block = { from: String(form.get('from') ?? ''), to: String(form.get('to') ?? '') };
    return change(
      event,
      'calendar',
      async () => {
        const blocks = (await current(event)).calendarBlocks;
        await api(event, listingPath(event.params.id), { method: 'PATCH', body: { calendarBlocks: [...blocks, block] } });
      },
      block,
    );
  },

  removeBlock: async (event) => {
    const index = Number((await event.request.formData()).get('index'));
    return change(event, 'calendar', async () => {
      const blocks = (await current(event)).calendarBlocks.filter((_, i) => i !== index);
      await api(event, listingPath(event.params.id), { method: 'PATCH', body: { calendarBlocks: blocks } });
    });
  },

  unpublish: async (event) => {
    const reason = String((await event.request.formData()).get('reason') ?? '').trim();
    return change(event, 'unpublish', () =>
      api(event, `${listingPath(event.params.id)}/unpublish`, { method: 'POST', body: { reason } }),
    );
  },

  submit: (event) =>
    change(event, 'submit', () => api(event, `${listingPath(event.params.id)}/submit`, { method: 'POST' })),

  reply: async (event) => {
    const form = await event.request.formData();
    const reviewId = String(form.get('reviewId') ?? '');
    const text = String(form.get('text') ?? '').trim();
    return change(
      event,
      'reply',
      () => api(event, `/api/reviews/${encodeURIComponent(reviewId)}/reply`, { method: 'POST', body: { text } }),
      { reviewId, text },
    );
  },
};
