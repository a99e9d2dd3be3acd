import { Schema, type Connection, type Model } from 'mongoose';
import { notificationModels, type NotificationModels } from '@kvartirnsk/activities/notifications/models';

/** The side of a conversation a participant is on; the guest always starts it, about a listing. */
export type Side = 'guest' | 'host';

export interface ConversationDocument {
  /** `<listingId>:<guestId>`: one conversation per guest and listing, enquiry and bookings alike. */
  _id: string;
  listingId: string;
  listingTitle: string;
  guestId: string;
  hostId: string;
  /** Confirmed bookings between them; once there is one, contact details are no longer masked. */
  bookingIds: string[];
  contactsAllowed: boolean;
  unread: { guest: number; host: number };
  lastReadAt: { guest: Date | null; host: Date | null };
  lastMessage: { text: string; senderId: string; at: Date } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageDocument {
  _id: string;
  conversationId: string;
  senderId: string;
  text: string;
  /** Kinds of contact details that were hidden from this message. */
  masked: string[];
  createdAt: Date;
}

/** The listings the messaging service has heard of (listing events), to know whose listing a guest asks about. */
export interface ListingReplicaDocument {
  _id: string;
  hostId: string;
  title: string;
}

/** The notification worker pool writes notifications and mail into this database; the API reads them. */
export interface MessagingModels extends NotificationModels {
  Conversation: Model<ConversationDocument>;
  Message: Model<MessageDocument>;
  Listing: Model<ListingReplicaDocument>;
}

export function messagingModels(connection: Connection): MessagingModels {
  const conversation = new Schema<ConversationDocument>(
    {
      _id: String,
      listingId: { type: String, required: true },
      listingTitle: { type: String, default: '' },
      guestId: { type: String, required: true, index: true },
      hostId: { type: String, required: true, index: true },
      bookingIds: { type: [String], default: [] },
      contactsAllowed: { type: Boolean, default: false },
      unread: { guest: { type: Number, default: 0 }, host: { type: Number, default: 0 } },
      lastReadAt: { guest: { type: Date, default: null }, host: { type: Date, default: null } },
      lastMessage: {
        type: new Schema({ text: String, senderId: String, at: Date }, { _id: false }),
        default: null,
      },
    },
    { timestamps: true, versionKey: false },
  );
  const message = new Schema<MessageDocument>(
    {
      _id: String,
      conversationId: { type: String, required: true },
      senderId: { type: String, required: true },
      text: { type: String, required: true },
      masked: { type: [String], default: [] },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  message.index({ conversationId: 1, createdAt: -1, _id: -1 });
  const listing = new Schema<ListingReplicaDocument>(
    { _id: String, hostId: { type: String, required: true }, title: { type: String, default: '' } },
    { versionKey: false },
  );
  return {
    Conversation: connection.model('Conversation', conversation),
    Message: connection.model('Message', message),
    Listing: connection.model('ListingReplica', listing),
    ...notificationModels(connection),
  };
}

export const conversationId = (listingId: string, guestId: string) => `${listingId}:${guestId}`;
