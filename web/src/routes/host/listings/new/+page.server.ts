import { redirect } from '@sveltejs/kit';
import type { ListingView } from '#lib/listings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, requireRole } from '#lib/server/guard.ts';
import { EMPTY_LISTING_FORM, listingBody, readListingForm } from '#lib/server/listing-form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
  requireRole(event, 'host');
  return { values: EMPTY_LISTING_FORM };
};

export const actions: Actions = {
  default: async (event) => {
    requireRole(event, 'host');
    const values = readListingForm(await event.request.formData());
    const { body, failure } = listingBody(values, event.locals.locale);
    if (failure) return failure;
    let listing: ListingView;
    try {
      listing = await api<ListingView>(event, '/api/listings', { method: 'POST', body });
    } catch (err) {
      return actionFailure(err, event.locals.locale, values);
    }
    redirect(303, `/host/listings/${listing.id}?created`);
  },
};
