import type { Conversation } from '#lib/messaging/types.ts';
import { api, ApiError, type CallContext } from './gateway.ts';

export interface UnreadCounts {
  messages: number;
  notifications: number;
}

/**
 * Unread messages and notifications of the signed-in user, for the navigation. The messaging API sums unread
 * messages over the conversations it lists, so the newest 100 conversations are counted. Null when messaging
 * does not answer: the navigation then shows no count rather than a wrong one.
 */
export async function unreadCounts(ctx: CallContext): Promise<UnreadCounts | null> {
  try {
    const [conversations, notifications] = await Promise.all([
      api<{ items: Conversation[]; unreadTotal: number }>(ctx, '/api/messaging/conversations?limit=100'),
      api<{ unread: number }>(ctx, '/api/messaging/notifications?limit=1&unreadOnly=true'),
    ]);
    return { messages: conversations.unreadTotal, notifications: notifications.unread };
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
}
