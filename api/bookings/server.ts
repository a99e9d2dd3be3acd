import { bookingsConfigShape } from '@kvartirnsk/activities/bookings/config';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { commonConfigShape, loadConfig, port, url } from '@kvartirnsk/lib/config';
import { connectEventBus, consumeEvents, OutboxRelay } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { z } from 'zod';
import { createBookingsApp } from './app';
import { applyListingEvent, BOOKINGS_LISTINGS_QUEUE, LISTING_EVENT_BINDINGS } from './listing-replica';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...bookingsConfigShape,
    PORT: port(4002),
    HOST: z.string().default('127.0.0.1'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
  });
  const logger = createLogger('api-bookings', config.LOG_LEVEL);
  const db = createDb<BookingsDatabase>({
    url: config.BOOKINGS_DATABASE_URL,
    applicationName: 'api-bookings',
  });
  await migrateToLatest(db, bookingsMigrations);
  const temporal = await connectTemporalClient(config);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  const relay = new OutboxRelay({ db, bus, logger });
  relay.start();
  const replica = await consumeEvents({
    bus,
    db,
    queue: BOOKINGS_LISTINGS_QUEUE,
    bindings: LISTING_EVENT_BINDINGS,
    logger,
    handle: (event, trx) => applyListingEvent(trx, event),
  });

  const app = createBookingsApp({
    db,
    temporal,
    logger,
    terms: { approvalWindow: config.BOOKING_APPROVAL_WINDOW },
  });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await replica.cancel();
    await relay.stop();
    await bus.close();
    await temporal.connection.close();
    await db.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
