import type { SavedPage } from '#lib/listings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 24;

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const cursor = event.url.searchParams.get('cursor');
  if (cursor) query.set('cursor', cursor);
  try {
    return { saved: await api<SavedPage>(event, `/api/listings/saved?${query}`), firstPage: !cursor };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  remove: async (event) => {
    requireUser(event);
    const listingId = String((await event.request.formData()).get('listingId') ?? '');
    try {
      await api(event, `/api/listings/${encodeURIComponent(listingId)}/saved`, { method: 'DELETE' });
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
  },
};
