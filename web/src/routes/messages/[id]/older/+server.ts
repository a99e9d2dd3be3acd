import { error, json } from '@sveltejs/kit';
import type { MessagePage } from '#lib/messaging/types.ts';
import { describeProblem } from '#lib/problem.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { conversationPath, MESSAGES_PAGE_SIZE } from '#lib/server/messaging.ts';
import type { RequestHandler } from './$types';

// The page before a message, for "show older" without reloading the conversation.
export const GET: RequestHandler = async (event) => {
  if (!event.locals.user) error(401, { message: 'Sign in' });
  const query = new URLSearchParams({ limit: String(MESSAGES_PAGE_SIZE), before: event.url.searchParams.get('before') ?? '' });
  try {
    const page = await api<MessagePage>(event, `${conversationPath(event.params.id)}/messages?${query}`);
    return json({ items: page.items, hasMore: page.hasMore });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json(describeProblem(err.problem, event.locals.locale), { status: err.status });
  }
};
