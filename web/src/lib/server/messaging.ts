/** Messages shown per page of a conversation. */
export const MESSAGES_PAGE_SIZE = 30;

export const conversationPath = (id: string) => `/api/messaging/conversations/${encodeURIComponent(id)}`;
