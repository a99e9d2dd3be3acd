import { MAILABLE_KINDS, type NotificationPreferences } from '#lib/messaging/notification-settings.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

const PREFERENCES = '/api/messaging/notification-preferences';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  try {
    return { preferences: await api<NotificationPreferences>(event, PREFERENCES), isHost: user.roles.includes('host') };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  default: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    // A checkbox left unticked sends nothing: every kind shown is set, on or off.
    const email = Object.fromEntries(MAILABLE_KINDS.map((kind) => [kind, form.has(`email-${kind}`)]));
    const locale = String(form.get('locale') ?? '');
    try {
      await api(event, PREFERENCES, { method: 'PUT', body: { email, ...(locale ? { locale } : {}) } });
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
    return { saved: true };
  },
};
