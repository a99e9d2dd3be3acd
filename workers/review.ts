import { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import { reviewsConfigShape } from '@kvartirnsk/activities/reviews/config';
import { reviewModels } from '@kvartirnsk/activities/reviews/models';
import { createReviewWindowStarter } from '@kvartirnsk/activities/reviews/window-starter';
import { loadConfig, temporalConfigShape } from '@kvartirnsk/lib/config';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { REVIEWS_TASK_QUEUE } from '@kvartirnsk/workflows/reviews/contract';
import { main, runWorkerPool } from './run-worker';

main(() => {
  const config = loadConfig({ ...reviewsConfigShape, ...temporalConfigShape });
  return runWorkerPool({
    pool: 'review',
    taskQueue: REVIEWS_TASK_QUEUE,
    resources: async () => {
      const connection = await connectMongo(config.MONGO_URL, config.REVIEWS_DATABASE);
      // Other flows (the booking's check-out) open review windows through this pool's activity.
      const temporal = await connectTemporalClient(config);
      return {
        models: reviewModels(connection),
        temporal,
        async close() {
          await temporal.connection.close();
          await connection.close();
        },
      };
    },
    options: ({ models, temporal }) => ({
      workflowsPath: require.resolve('@kvartirnsk/workflows/reviews/index'),
      activities: { ...createReviewActivities({ models }), ...createReviewWindowStarter({ temporal }) },
    }),
  });
});
