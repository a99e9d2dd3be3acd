import { api, refreshSession, type SessionUser } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  // Asked again rather than taken from the request's start: an action on this page may have just changed it.
  try {
    return { profile: await api<SessionUser>(event, '/api/users/me') };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  becomeHost: async (event) => {
    requireUser(event);
    try {
      const { user } = await api<{ user: SessionUser }>(event, '/api/users/me/host', { method: 'POST' });
      // The layout shows the menu for the user's roles; it is read after this action in the same request.
      event.locals.user = user;
      // Roles travel in the access token: a fresh one carries the host role.
      await refreshSession(event);
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
    return { becameHost: true };
  },
  rename: async (event) => {
    requireUser(event);
    const name = String((await event.request.formData()).get('name') ?? '');
    try {
      event.locals.user = await api<SessionUser>(event, '/api/users/me', { method: 'PATCH', body: { name } });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { name });
    }
    return { renamed: true };
  },
};
