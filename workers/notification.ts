import { createNotificationActivities } from '@kvartirnsk/activities/notifications/activities';
import { notificationsConfigShape } from '@kvartirnsk/activities/notifications/config';
import { createLiveEmitter } from '@kvartirnsk/activities/notifications/live';
import {
  NotificationMailRelay,
  usersServiceRecipients,
} from '@kvartirnsk/activities/notifications/mail-relay';
import { notificationModels } from '@kvartirnsk/activities/notifications/models';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createMailTransport } from '@kvartirnsk/lib/mail';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createRedis } from '@kvartirnsk/lib/redis';
import { NOTIFICATIONS_TASK_QUEUE } from '@kvartirnsk/workflows/notifications/contract';
import { main, runWorkerPool } from './run-worker';

// Activities only: the other pools' workflows call `notify` on this queue; no workflow runs here. The process
// also sends the mail those activities write (NotificationMailRelay).
main(() => {
  const config = loadConfig(notificationsConfigShape);
  return runWorkerPool({
    pool: 'notification',
    taskQueue: NOTIFICATIONS_TASK_QUEUE,
    resources: async (logger) => {
      const connection = await connectMongo(config.MONGO_URL, config.MESSAGING_DATABASE);
      const redis = createRedis(config);
      const models = notificationModels(connection);
      const transport = createMailTransport(config.SMTP_URL);
      const mailRelay = new NotificationMailRelay({
        models,
        transport,
        recipients: usersServiceRecipients(config.USERS_SERVICE_URL),
        from: config.MAIL_FROM,
        logger,
      });
      mailRelay.start();
      return {
        models,
        redis,
        async close() {
          await mailRelay.stop();
          transport.close();
          redis.disconnect();
          await connection.close();
        },
      };
    },
    options: ({ models, redis }) => ({
      activities: createNotificationActivities({
        models,
        emitter: createLiveEmitter(redis),
        webBaseUrl: config.WEB_BASE_URL,
      }),
    }),
  });
});
