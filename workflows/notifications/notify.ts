import { isCancellation, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  type Locale,
  type NotificationActivities,
  notificationId,
  type Notice,
  NOTIFICATIONS_TASK_QUEUE,
} from './contract';

/**
 * A notification is a courtesy, never a step the business flow depends on: a few quick retries, and after
 * fifteen minutes (including time waiting for a notification worker) the flow gives up on it and carries
 * on. The bound keeps an outage of the notification pool from holding a payout or a moderation for long.
 */
const courtesyDelivery = {
  taskQueue: NOTIFICATIONS_TASK_QUEUE,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '15 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

const notifications = proxyActivities<NotificationActivities>(courtesyDelivery);

/**
 * Tells `userId` of a step of the calling workflow; resolves once delivered or given up, never rejects
 * (except when the workflow itself is cancelled). Callers guard it with `patched('notifications')` so
 * workflows recorded before notifications replay unchanged. `occasion` tells apart repeats of one kind to
 * one user (see notificationId()).
 */
export async function notifyQuietly(
  userId: string,
  notice: Notice,
  { locale, occasion }: { locale?: Locale; occasion?: string } = {},
): Promise<void> {
  const id = notificationId(workflowInfo().workflowId, notice.kind, userId, occasion);
  try {
    await notifications.notify({ notificationId: id, userId, ...notice, ...(locale ? { locale } : {}) });
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('notification given up', { notificationId: id, kind: notice.kind, error: String(err) });
  }
}
