import type { Emitter } from '@socket.io/redis-emitter';
import {
  ADMINS_AUDIENCE,
  DEFAULT_LOCALE,
  type NotificationActivities,
  type NotifyInput,
  type NotifyOutcome,
} from '@kvartirnsk/workflows/notifications/contract';
import { NOTIFICATION_EVENT, userRoom } from './live';
import { emailWanted, type NotificationDocument, type NotificationModels } from './models';
import { renderAll, renderMail } from './templates';

export interface NotificationActivityDeps {
  models: NotificationModels;
  emitter: Emitter;
  /** The web app's public address, for links in e-mails. */
  webBaseUrl: string;
}

/** A notification as the messaging API lists it and as sockets receive it. */
export function notificationView(notification: NotificationDocument) {
  return {
    id: notification._id,
    kind: notification.kind,
    data: notification.data,
    title: notification.title,
    body: notification.body,
    path: notification.path,
    createdAt: notification.createdAt.toISOString(),
    readAt: notification.readAt ? notification.readAt.toISOString() : null,
  };
}

/**
 * Delivery of notifications for the workflows: in-app (stored, then pushed live to the user's sockets on
 * whichever messaging instance holds them) and, where the user wants it, an e-mail in the mail outbox. Each
 * write is keyed by the notification id, so a retried activity or a replayed workflow stores and mails once;
 * the live push repeats only if an earlier attempt stored the notification but died before pushing it.
 */
export function createNotificationActivities({
  models,
  emitter,
  webBaseUrl,
}: NotificationActivityDeps): NotificationActivities {
  const { Notification, NotificationPreferences, OutboxMail } = models;

  return {
    async notify(input: NotifyInput): Promise<NotifyOutcome> {
      const { notificationId, userId, kind, data } = input;
      const rendered = renderAll(input);
      const stored = await Notification.updateOne(
        { _id: notificationId },
        {
          $setOnInsert: {
            userId,
            kind,
            data,
            ...rendered,
            createdAt: new Date(),
            readAt: null,
            pushedAt: null,
          },
        },
        { upsert: true },
      );
      const created = stored.upsertedCount === 1;

      let emailed = false;
      if (userId !== ADMINS_AUDIENCE) {
        const preferences = await NotificationPreferences.findById(userId).lean();
        if (emailWanted(preferences, kind)) {
          const locale = preferences?.locale ?? input.locale ?? DEFAULT_LOCALE;
          const mail = renderMail(input, locale, new URL(rendered.path, webBaseUrl).toString());
          const written = await OutboxMail.updateOne(
            { _id: notificationId },
            {
              $setOnInsert: {
                userId,
                kind,
                locale,
                ...mail,
                createdAt: new Date(),
                sentAt: null,
                nextAttemptAt: new Date(),
                attempts: 0,
                lastError: null,
                failedAt: null,
              },
            },
            { upsert: true },
          );
          emailed = written.upsertedCount === 1;
        }
      }

      const unpushed = await Notification.findOne({ _id: notificationId, pushedAt: null }).lean();
      if (unpushed) {
        emitter.to(userRoom(userId)).emit(NOTIFICATION_EVENT, notificationView(unpushed));
        await Notification.updateOne({ _id: notificationId }, { $set: { pushedAt: new Date() } });
      }
      return { created, emailed };
    },
  };
}
