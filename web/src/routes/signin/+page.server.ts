import { redirect } from '@sveltejs/kit';
import { api, storeSession, type TokenResponse } from '#lib/server/gateway.ts';
import { actionFailure, safeNext } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
  return {
    next: safeNext(url.searchParams.get('next')),
    signedOut: url.searchParams.has('signedOut'),
    passwordReset: url.searchParams.has('passwordReset'),
  };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    try {
      const tokens = await api<TokenResponse>(event, '/api/users/sign-in', {
        method: 'POST',
        body: { email, password },
        anonymous: true,
      });
      storeSession(event, tokens);
    } catch (err) {
      return actionFailure(err, event.locals.locale, { email }, { anonymous: true });
    }
    redirect(303, safeNext(String(form.get('next') ?? '/')));
  },
};
