import type { Conversation } from '#lib/messaging/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireUser } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  try {
    return {
      conversations: await api<{ items: Conversation[]; unreadTotal: number }>(event, '/api/messaging/conversations?limit=100'),
    };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
