import { api } from '#lib/server/gateway.ts';
import { actionFailure } from '#lib/server/guard.ts';
import type { Actions } from './$types';

export const actions: Actions = {
  default: async (event) => {
    const email = String((await event.request.formData()).get('email') ?? '');
    try {
      // The same answer whether or not the account exists, so the page cannot be used to find accounts.
      await api(event, '/api/users/password-reset', { method: 'POST', body: { email }, anonymous: true });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { email }, { anonymous: true });
    }
    return { sent: true };
  },
};
