import { paymentsConfigShape } from '@kvartirnsk/activities/payments/config';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { commonConfigShape, loadConfig, port } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { z } from 'zod';
import { createPaymentsApp } from './app';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...paymentsConfigShape,
    ...stripeConfigShape,
    /** The signing secret of our Stripe webhook endpoint; the local default is for development only. */
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').default('whsec_kvartirnsk_local'),
    PORT: port(4003),
    HOST: z.string().default('127.0.0.1'),
  });
  const logger = createLogger('api-payments', config.LOG_LEVEL);
  const db = createDb<PaymentsDatabase>({
    url: config.PAYMENTS_DATABASE_URL,
    applicationName: 'api-payments',
  });
  await migrateToLatest(db, paymentsMigrations);
  const temporal = await connectTemporalClient(config);
  const app = createPaymentsApp({
    db,
    temporal,
    stripe: createStripe(config),
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    logger,
  });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await temporal.connection.close();
    await db.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
