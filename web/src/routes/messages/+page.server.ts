import type { Conversation } from '#lib/messaging/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireUser } from '#lib/server/guard.ts';
import { profilesOf } from '#lib/server/lookups.ts';
import { otherPartyOf } from '#lib/messaging/parties.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireUser(event);
  let conversations: { items: Conversation[]; unreadTotal: number };
  try {
    conversations = await api(event, '/api/messaging/conversations?limit=100');
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  const profiles = await profilesOf(event, conversations.items.map(otherPartyOf));
  const names = Object.fromEntries([...profiles].map(([id, profile]) => [id, profile.displayName]));
  return { conversations, names };
};
