import { createListingActivities } from '@kvartirnsk/activities/listings/activities';
import { geoServiceCityContains } from '@kvartirnsk/activities/listings/city-lookup';
import { listingsConfigShape, moderationRulesFrom } from '@kvartirnsk/activities/listings/config';
import { listingModel } from '@kvartirnsk/activities/listings/listing';
import { loadConfig } from '@kvartirnsk/lib/config';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { MODERATION_TASK_QUEUE } from '@kvartirnsk/workflows/moderation/contract';
import { main, runWorkerPool } from './run-worker';

// Events the activities write wait in the listings' outbox; the listings API's relay publishes them.
main(() => {
  const config = loadConfig(listingsConfigShape);
  return runWorkerPool({
    pool: 'moderation',
    taskQueue: MODERATION_TASK_QUEUE,
    resources: async () => {
      const connection = await connectMongo(config.MONGO_URL, config.LISTINGS_DATABASE);
      return { Listing: listingModel(connection), close: () => connection.close() };
    },
    options: ({ Listing }) => ({
      workflowsPath: require.resolve('@kvartirnsk/workflows/moderation/index'),
      activities: createListingActivities({
        Listing,
        cityContains: geoServiceCityContains(config.GEO_SERVICE_URL),
        rules: moderationRulesFrom(config),
        urls: { photoBaseUrl: config.PHOTO_BASE_URL },
      }),
    }),
  });
});
