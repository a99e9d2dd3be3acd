import { redirect } from '@sveltejs/kit';
import { api, ApiError, clearSession, REFRESH_COOKIE } from '#lib/server/gateway.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    const refreshToken = event.cookies.get(REFRESH_COOKIE);
    if (refreshToken) {
      // Ending the session on the server matters more than the cookies; a failure there still signs out here.
      await api(event, '/api/users/sign-out', { method: 'POST', body: { refreshToken }, anonymous: true }).catch(
        (err: unknown) => {
          if (!(err instanceof ApiError)) throw err;
        },
      );
    }
    clearSession(event);
    redirect(303, '/signin?signedOut');
  },
};
