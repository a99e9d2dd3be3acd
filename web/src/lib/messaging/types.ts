// The messaging service's answers (api/messaging/app.ts) and what it pushes live (api/messaging/realtime.ts).

export interface Conversation {
  id: string;
  listingId: string;
  listingTitle: string;
  guestId: string;
  hostId: string;
  side: 'guest' | 'host';
  contactsAllowed: boolean;
  unread: number;
  otherReadUntil: string | null;
  lastMessage: { text: string; senderId: string; at: string } | null;
  updatedAt: string;
}

export interface Message {
  id: string;
  conversationId: string;
  senderId: string;
  text: string;
  masked: string[];
  createdAt: string;
}

export interface MessagePage {
  conversation: Conversation;
  items: Message[];
  hasMore: boolean;
}

export interface Sent {
  conversation: Conversation;
  message: Message;
  notice: { ru: string; en: string } | null;
}

/** Pushed when a message arrives for the signed-in user. */
export interface LiveMessage {
  conversation: Conversation;
  message: Message;
}

/** Pushed when the other side has read a conversation. */
export interface LiveRead {
  conversationId: string;
  readUntil: string;
}

/** A notification (api/messaging/app.ts), written by the notification workers in both languages. */
export interface AppNotification {
  id: string;
  kind: string;
  title: { ru: string; en: string };
  body: { ru: string; en: string };
  /** Where in the web app it leads. */
  path: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: AppNotification[];
  unread: number;
  hasMore: boolean;
}
