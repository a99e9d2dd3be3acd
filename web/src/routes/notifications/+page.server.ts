import { redirect } from '@sveltejs/kit';
import type { NotificationPage } from '#lib/messaging/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser, safeNext } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 30;
const notificationPath = (id: string) => `/api/messaging/notifications/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const before = event.url.searchParams.get('before');
  if (before) query.set('before', before);
  try {
    return { notifications: await api<NotificationPage>(event, `/api/messaging/notifications?${query}`) };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  /** Opening a notification reads it, then goes where it leads. */
  open: async (event) => {
    requireUser(event);
    const form = await event.request.formData();
    const id = String(form.get('id') ?? '');
    try {
      await api(event, `${notificationPath(id)}/read`, { method: 'POST' });
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
    redirect(303, safeNext(String(form.get('path') ?? '')));
  },
  read: async (event) => {
    requireUser(event);
    const id = String((await event.request.formData()).get('id') ?? '');
    try {
      await api(event, `${notificationPath(id)}/read`, { method: 'POST' });
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
    return { read: id };
  },
  readAll: async (event) => {
    requireUser(event);
    try {
      await api(event, '/api/messaging/notifications/read-all', { method: 'POST' });
    } catch (err) {
      return actionFailure(err, event.locals.locale);
    }
    return { read: 'all' };
  },
};
