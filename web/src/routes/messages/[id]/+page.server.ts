import type { Conversation, MessagePage, Sent } from '#lib/messaging/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireUser } from '#lib/server/guard.ts';
import { profileOf } from '#lib/server/lookups.ts';
import { conversationPath, MESSAGES_PAGE_SIZE } from '#lib/server/messaging.ts';
import { otherPartyOf } from '#lib/messaging/parties.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const path = conversationPath(event.params.id);
  let page: MessagePage;
  try {
    page = await api<MessagePage>(event, `${path}/messages?limit=${MESSAGES_PAGE_SIZE}`);
    // Opening the conversation reads it: the other side gets the read receipt.
    if (page.conversation.unread > 0) {
      page.conversation = await api<Conversation>(event, `${path}/read`, { method: 'POST' });
    }
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  const otherId = otherPartyOf(page.conversation);
  const otherName = (await profileOf(event, otherId))?.displayName ?? null;
  return { page, otherName, userId: user.id, masked: event.url.searchParams.has('masked') };
};

export const actions: Actions = {
  send: async (event) => {
    requireUser(event);
    const text = String((await event.request.formData()).get('text') ?? '').trim();
    try {
      const sent = await api<Sent>(event, `${conversationPath(event.params.id)}/messages`, {
        method: 'POST',
        body: { text },
      });
      return { sent: sent.message.id, masked: sent.notice !== null };
    } catch (err) {
      return actionFailure(err, event.locals.locale, { text });
    }
  },
};
