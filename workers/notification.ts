import { createNotificationActivities } from '@kvartirnsk/activities/notifications/activities';
import { notificationsConfigShape } from '@kvartirnsk/activities/notifications/config';
import { createLiveEmitter } from '@kvartirnsk/activities/notifications/live';
import { notificationModels } from '@kvartirnsk/activities/notifications/models';
import { loadConfig } from '@kvartirnsk/lib/config';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createRedis } from '@kvartirnsk/lib/redis';
import { NOTIFICATIONS_TASK_QUEUE } from '@kvartirnsk/workflows/notifications/contract';
import { main, runWorkerPool } from './run-worker';

// Activities only: the other pools' workflows call `notify` on this queue; no workflow runs here.
main(() => {
  const config = loadConfig(notificationsConfigShape);
  return runWorkerPool({
    pool: 'notification',
    taskQueue: NOTIFICATIONS_TASK_QUEUE,
    resources: async () => {
      const connection = await connectMongo(config.MONGO_URL, config.MESSAGING_DATABASE);
      const redis = createRedis(config);
      return {
        models: notificationModels(connection),
        redis,
        async close() {
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
