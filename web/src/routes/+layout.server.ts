import { UNREAD_DEPENDENCY } from '#lib/live.ts';
import { unreadCounts } from '#lib/server/unread.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
  // Invalidated on its own when something arrives live or is read, so only this load runs again.
  event.depends(UNREAD_DEPENDENCY);
  const { locals } = event;
  return {
    locale: locals.locale,
    user: locals.user ? { name: locals.user.name, email: locals.user.email, roles: locals.user.roles } : null,
    unread: locals.user ? await unreadCounts(event) : null,
  };
};
