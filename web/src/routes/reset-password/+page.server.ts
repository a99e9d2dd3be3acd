import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/gateway.ts';
import { actionFailure } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const token = String(form.get('token') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    try {
      await api(event, '/api/users/password-reset/confirm', {
        method: 'POST',
        body: { token, newPassword },
        anonymous: true,
      });
    } catch (err) {
      return actionFailure(err, event.locals.locale, {}, { anonymous: true });
    }
    redirect(303, '/signin?passwordReset');
  },
};
