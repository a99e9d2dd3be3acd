import { api, type SessionUser } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'admin');
  const email = event.url.searchParams.get('email')?.trim() ?? '';
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const query = new URLSearchParams({ limit: '25' });
  if (email) query.set('email', email);
  if (cursor) query.set('cursor', cursor);
  try {
    const page = await api<{ items: SessionUser[]; nextCursor: string | null }>(event, `/api/users?${query}`);
    return { page, email, selfId: event.locals.user?.id };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

async function setBlocked(event: Parameters<Actions[string]>[0], block: boolean) {
  requireRole(event, 'admin');
  const userId = String((await event.request.formData()).get('userId') ?? '');
  try {
    await api<SessionUser>(event, `/api/users/${encodeURIComponent(userId)}/${block ? 'block' : 'unblock'}`, { method: 'POST' });
  } catch (err) {
    return actionFailure(err, event.locals.locale, { userId });
  }
  return { changed: block ? 'blocked' : 'unblocked', userId };
}

export const actions: Actions = {
  block: (event) => setBlocked(event, true),
  unblock: (event) => setBlocked(event, false),
};
