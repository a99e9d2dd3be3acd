import amqp from 'amqplib';
import { commonConfigShape, loadConfig, positiveInt, url } from '@kvartirnsk/lib/config';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { createLogger } from '@kvartirnsk/lib/logger';
import { z } from 'zod';
import { searchConfigShape } from './config';
import { SEARCH_INDEXER_QUEUE, startEventIndexer } from './event-indexer';

// The search indexer process: domain events from RabbitMQ into the listings index.
async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...searchConfigShape,
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
    SEARCH_INDEXER_QUEUE: z.string().min(1).default(SEARCH_INDEXER_QUEUE),
    SEARCH_INDEXER_PREFETCH: positiveInt(16),
  });
  const logger = createLogger('search-indexer', config.LOG_LEVEL);
  const client = createSearchClient(config.ELASTICSEARCH_URL);
  const connection = await amqp.connect(config.RABBITMQ_URL);
  // Unacknowledged events go back to the queue when the connection drops; a supervisor restarts us.
  connection.on('close', () => {
    logger.error('RabbitMQ connection closed');
    process.exit(1);
  });
  const indexer = await startEventIndexer({
    connection,
    client,
    alias: config.SEARCH_INDEX,
    queue: config.SEARCH_INDEXER_QUEUE,
    prefetch: config.SEARCH_INDEXER_PREFETCH,
    logger,
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    connection.removeAllListeners('close');
    indexer
      .stop()
      .then(() => connection.close())
      .then(() => client.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while closing');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
