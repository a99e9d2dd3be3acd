import { api } from '#lib/server/gateway.ts';
import { actionFailure } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

// Confirmed by a button, not on opening the page: mail scanners open links, and must not confirm for anyone.
export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async (event) => {
    const token = String((await event.request.formData()).get('token') ?? '');
    try {
      await api(event, '/api/users/email-verification/confirm', { method: 'POST', body: { token }, anonymous: true });
    } catch (err) {
      return actionFailure(err, event.locals.locale, {}, { anonymous: true });
    }
    return { confirmed: true };
  },
};
