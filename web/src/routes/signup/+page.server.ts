import { redirect } from '@sveltejs/kit';
import { api, storeSession, type TokenResponse } from '#lib/server/gateway.ts';
import { actionFailure } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user) redirect(303, '/');
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get('name') ?? '');
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    try {
      const tokens = await api<TokenResponse>(event, '/api/users/sign-up', {
        method: 'POST',
        body: { name, email, password, locale: event.locals.locale },
        anonymous: true,
      });
      storeSession(event, tokens);
    } catch (err) {
      return actionFailure(err, event.locals.locale, { name, email }, { anonymous: true });
    }
    redirect(303, '/profile');
  },
};
