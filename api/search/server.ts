import { z } from 'zod';
import { openBestEffortPublisher } from '@kvartirnsk/lib/analytics-events';
import { commonConfigShape, loadConfig, port, url } from '@kvartirnsk/lib/config';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { connectEventBus } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createSearchApp } from './app';
import { searchConfigShape } from './config';
import { ensureListingsIndex } from './mapping';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...searchConfigShape,
    PORT: port(4005),
    HOST: z.string().default('127.0.0.1'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
  });
  const logger = createLogger('api-search', config.LOG_LEVEL);
  const client = createSearchClient(config.ELASTICSEARCH_URL);
  // Created here as well as by the indexer, so whichever starts first, searches never hit a missing alias.
  await ensureListingsIndex(client, config.SEARCH_INDEX);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  const analytics = await openBestEffortPublisher(bus, logger);
  const app = createSearchApp({ client, alias: config.SEARCH_INDEX, logger, analytics });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await analytics.close();
    await bus.close();
    await client.close();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
