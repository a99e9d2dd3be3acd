import { z } from 'zod';
import { bookingsConfigShape, feeRatesFrom } from '@kvartirnsk/activities/bookings/config';
import { loadConfig, logLevel, port, url } from '@kvartirnsk/lib/config';
import { connectEventBus } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { createAnalyticsApp } from './app';
import { consumeAnalyticsEvents } from './projection';
import { analyticsMigrations, type AnalyticsDatabase } from './schema';

async function main() {
  const config = loadConfig({
    LOG_LEVEL: logLevel,
    PORT: port(4009),
    HOST: z.string().default('127.0.0.1'),
    ANALYTICS_DATABASE_URL: url('postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/analytics'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
    // The bookings domain's own settings: fees are derived with the rates bookings are priced with.
    GUEST_SERVICE_FEE_BP: bookingsConfigShape.GUEST_SERVICE_FEE_BP,
    HOST_FEE_BP: bookingsConfigShape.HOST_FEE_BP,
  });
  const logger = createLogger('api-analytics', config.LOG_LEVEL);
  const db = createDb<AnalyticsDatabase>({
    url: config.ANALYTICS_DATABASE_URL,
    applicationName: 'api-analytics',
  });
  await migrateToLatest(db, analyticsMigrations);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  const consumer = await consumeAnalyticsEvents({ bus, db, logger, fees: feeRatesFrom(config) });

  const app = createAnalyticsApp({ db, logger });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await consumer.cancel();
    await bus.close();
    await db.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
