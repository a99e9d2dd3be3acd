import { type Connection, type Model, Schema } from 'mongoose';
import {
  LOCALES,
  type Locale,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '@kvartirnsk/workflows/notifications/contract';

// The messaging service owns these collections (in its `messages` database): the notification worker pool
// writes notifications and mail, the messaging API reads them and keeps read state and preferences.

export type Localized = Record<Locale, string>;

export interface NotificationDocument {
  /** The notification id the flow derived: writing the same one twice changes nothing. */
  _id: string;
  userId: string;
  kind: NotificationKind;
  data: Record<string, unknown>;
  /** In both languages, so a client shows the one its user reads without asking again. */
  title: Localized;
  body: Localized;
  /** Where in the web app it leads. */
  path: string;
  createdAt: Date;
  readAt: Date | null;
  /** Set once pushed to the user's sockets; a retry after a crash before that pushes it again. */
  pushedAt: Date | null;
}

export interface NotificationPreferencesDocument {
  /** The user id. */
  _id: string;
  /** Unset until the user picks one. */
  locale: Locale | null;
  /** Kinds the user switched e-mail on or off for; the rest follow EMAIL_BY_DEFAULT. */
  email: Partial<Record<NotificationKind, boolean>>;
  updatedAt: Date;
}

/** The local mail sink: what would be e-mailed. A relay that looks up addresses and sends is not built yet. */
export interface OutboxMailDocument {
  /** The notification id: one mail per notification. */
  _id: string;
  userId: string;
  kind: NotificationKind;
  locale: Locale;
  subject: string;
  text: string;
  createdAt: Date;
  sentAt: Date | null;
  /** When NotificationMailRelay may next try it (also its lease while one relay sends it). */
  nextAttemptAt: Date;
  attempts: number;
  lastError: string | null;
  /** Given up: refused for good, tried too often, or nobody to send it to. */
  failedAt: Date | null;
}

/** Every kind is e-mailed unless the user turns it off: they are all about money, stays or their listings. */
export const EMAIL_BY_DEFAULT = true;

export interface NotificationModels {
  Notification: Model<NotificationDocument>;
  NotificationPreferences: Model<NotificationPreferencesDocument>;
  OutboxMail: Model<OutboxMailDocument>;
}

const localized = { ru: { type: String, required: true }, en: { type: String, required: true } };

export function notificationModels(connection: Connection): NotificationModels {
  const notification = new Schema<NotificationDocument>(
    {
      _id: String,
      userId: { type: String, required: true },
      kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
      data: { type: Schema.Types.Mixed, required: true },
      title: localized,
      body: localized,
      path: { type: String, required: true },
      createdAt: { type: Date, required: true },
      readAt: { type: Date, default: null },
      pushedAt: { type: Date, default: null },
    },
    { versionKey: false, minimize: false },
  );
  notification.index({ userId: 1, createdAt: -1, _id: -1 });
  const preferences = new Schema<NotificationPreferencesDocument>(
    {
      _id: String,
      locale: { type: String, enum: [...LOCALES, null], default: null },
      email: Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, { type: Boolean }])),
      updatedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  const mail = new Schema<OutboxMailDocument>(
    {
      _id: String,
      userId: { type: String, required: true },
      kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
      locale: { type: String, enum: LOCALES, required: true },
      subject: { type: String, required: true },
      text: { type: String, required: true },
      createdAt: { type: Date, required: true },
      sentAt: { type: Date, default: null },
      nextAttemptAt: { type: Date, required: true },
      attempts: { type: Number, default: 0 },
      lastError: { type: String, default: null },
      failedAt: { type: Date, default: null },
    },
    { versionKey: false },
  );
  mail.index({ nextAttemptAt: 1 });
  return {
    Notification: connection.model('Notification', notification, 'notifications'),
    NotificationPreferences: connection.model(
      'NotificationPreferences',
      preferences,
      'notification_preferences',
    ),
    OutboxMail: connection.model('OutboxMail', mail, 'mail_outbox'),
  };
}

export function emailWanted(
  preferences: Pick<NotificationPreferencesDocument, 'email'> | null,
  kind: NotificationKind,
): boolean {
  return preferences?.email?.[kind] ?? EMAIL_BY_DEFAULT;
}
