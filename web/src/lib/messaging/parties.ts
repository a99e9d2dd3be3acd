import type { Conversation } from './types.ts';

/** Who the signed-in user talks to in a conversation. */
export const otherPartyOf = (conversation: Pick<Conversation, 'side' | 'guestId' | 'hostId'>): string =>
  conversation.side === 'guest' ? conversation.hostId : conversation.guestId;
