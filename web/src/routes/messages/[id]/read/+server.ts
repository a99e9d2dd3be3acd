import { error, json } from '@sveltejs/kit';
import type { Conversation } from '#lib/messaging/types.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { conversationPath } from '#lib/server/messaging.ts';
import type { RequestHandler } from './$types';

// A message that arrived while the conversation is open is read at once: the sender sees the receipt.
export const POST: RequestHandler = async (event) => {
  if (!event.locals.user) error(401, { message: 'Sign in' });
  try {
    const conversation = await api<Conversation>(event, `${conversationPath(event.params.id)}/read`, { method: 'POST' });
    return json({ unread: conversation.unread });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json({ status: err.status }, { status: err.status });
  }
};
