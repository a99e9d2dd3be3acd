import { api, refreshSession, storeSession, type SessionUser, type TokenResponse } from '#lib/server/gateway.ts';
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
  changePassword: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    const body = { currentPassword: String(form.get('currentPassword') ?? ''), newPassword: String(form.get('newPassword') ?? '') };
    try {
      // Every other session ends; this one goes on with the tokens the change returns.
      storeSession(event, await api<TokenResponse>(event, '/api/users/me/password', { method: 'POST', body }));
    } catch (err) {
      return actionFailure(err, event.locals.locale, { form: 'password' });
    }
    return { passwordChanged: true };
  },
  resendVerification: async (event) => {
    requireUser(event);
    try {
      await api(event, '/api/users/me/email-verification', { method: 'POST' });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { form: 'verification' });
    }
    return { verificationSent: true };
  },
  update: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    const name = String(form.get('name') ?? '');
    const phone = String(form.get('phone') ?? '').trim();
    const languages = form.getAll('languages').map(String);
    try {
      event.locals.user = await api<SessionUser>(event, '/api/users/me', {
        method: 'PATCH',
        body: { name, phone: phone || null, languages },
      });
    } catch (err) {
      return actionFailure(err, event.locals.locale, { form: 'profile', name, phone, languages });
    }
    return { updated: true };
  },
};
