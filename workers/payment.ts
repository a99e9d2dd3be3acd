import { paymentsConfigShape } from '@kvartirnsk/activities/payments/config';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import { main, runWorkerPool } from './run-worker';

main(() => {
  const config = loadConfig({ ...stripeConfigShape, ...paymentsConfigShape });
  return runWorkerPool({
    pool: 'payment',
    taskQueue: PAYMENTS_TASK_QUEUE,
    resources: async () => {
      const db = createDb<PaymentsDatabase>({
        url: config.PAYMENTS_DATABASE_URL,
        applicationName: 'worker-payment',
      });
      // The payment pool owns the ledger schema until the payments API lands.
      await migrateToLatest(db, paymentsMigrations);
      return { db, stripe: createStripe(config), close: () => db.destroy() };
    },
    options: ({ db, stripe }) => ({
      workflowsPath: require.resolve('@kvartirnsk/workflows/payments/index'),
      activities: createPaymentActivities({ stripe, db }),
    }),
  });
});
