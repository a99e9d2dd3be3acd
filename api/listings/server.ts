import path from 'node:path';
import { z } from 'zod';
import {
  listingsConfigShape,
  moderationPolicyFrom,
  moderationRulesFrom,
} from '@kvartirnsk/activities/listings/config';
import { listingModel } from '@kvartirnsk/activities/listings/listing';
import { openBestEffortPublisher } from '@kvartirnsk/lib/analytics-events';
import { commonConfigShape, loadConfig, port, positiveInt, url } from '@kvartirnsk/lib/config';
import { connectEventBus } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { MongoOutboxRelay } from '@kvartirnsk/lib/mongo-outbox';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { createListingsApp } from './app';
import { LocalPhotoStorage } from './photos';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...listingsConfigShape,
    PORT: port(4004),
    HOST: z.string().default('127.0.0.1'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
    PHOTO_DIR: z.string().min(1).default(path.resolve('.data/photos')),
    /** Largest photo upload; the gateway's body limit must allow it on the upload route. */
    PHOTO_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  });
  const logger = createLogger('api-listings', config.LOG_LEVEL);
  const connection = await connectMongo(config.MONGO_URL, config.LISTINGS_DATABASE);
  const Listing = listingModel(connection);
  await Listing.init();
  const temporal = await connectTemporalClient(config);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  // Also publishes what the moderation workers write into the listings' outbox (published, escalated).
  const relay = new MongoOutboxRelay({ models: [Listing], channel: bus.channel, logger });
  relay.start();
  const analytics = await openBestEffortPublisher(bus, logger);

  const app = createListingsApp({
    Listing,
    temporal,
    photos: new LocalPhotoStorage(config.PHOTO_DIR),
    logger,
    settings: {
      policy: moderationPolicyFrom(config),
      nightlyPriceRange: moderationRulesFrom(config).nightlyPriceRange,
      photoBaseUrl: config.PHOTO_BASE_URL,
      maxPhotoBytes: config.PHOTO_MAX_BYTES,
    },
    eventsWritten: () => relay.wake(),
    analytics,
  });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await relay.stop();
    await analytics.close();
    await bus.close();
    await temporal.connection.close();
    await connection.close();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
