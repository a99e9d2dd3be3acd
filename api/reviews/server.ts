import { z } from 'zod';
import { reviewsConfigShape } from '@kvartirnsk/activities/reviews/config';
import { initReviewModels, outboxModels, reviewModels } from '@kvartirnsk/activities/reviews/models';
import { commonConfigShape, loadConfig, port, url } from '@kvartirnsk/lib/config';
import { connectEventBus } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { MongoOutboxRelay } from '@kvartirnsk/lib/mongo-outbox';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { createReviewsApp } from './app';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...reviewsConfigShape,
    PORT: port(4007),
    HOST: z.string().default('127.0.0.1'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
  });
  const logger = createLogger('api-reviews', config.LOG_LEVEL);
  const connection = await connectMongo(config.MONGO_URL, config.REVIEWS_DATABASE);
  const models = reviewModels(connection);
  await initReviewModels(models);
  const temporal = await connectTemporalClient(config);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  // Relays the events the review worker pool writes (publications, reminders) as well as this API's own.
  const relay = new MongoOutboxRelay({ models: [...outboxModels(models)], channel: bus.channel, logger });
  relay.start();

  const app = createReviewsApp({ models, temporal, logger, onEventsWritten: () => relay.wake() });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await relay.stop();
    await bus.close();
    await temporal.connection.close();
    await connection.close();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
