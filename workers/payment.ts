import { paymentsConfigShape } from '@kvartirnsk/activities/payments/config';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { createReconciliationActivities } from '@kvartirnsk/activities/payments/reconciliation';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig, temporalConfigShape } from '@kvartirnsk/lib/config';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { connectTemporalClient } from '@kvartirnsk/lib/temporal';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import { main, runWorkerPool } from './run-worker';

main(() => {
  const config = loadConfig({ ...stripeConfigShape, ...paymentsConfigShape, ...temporalConfigShape });
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
      // Reconciliation reads the payment workflows' histories through the visibility and history APIs.
      const temporal = await connectTemporalClient(config);
      return {
        db,
        temporal,
        stripe: createStripe(config),
        close: async () => {
          await temporal.connection.close();
          await db.destroy();
        },
      };
    },
    options: ({ db, stripe, temporal }) => ({
      workflowsPath: require.resolve('@kvartirnsk/workflows/payments/index'),
      activities: {
        ...createPaymentActivities({ stripe, db }),
        ...createReconciliationActivities({ db, temporal, paymentsTaskQueue: PAYMENTS_TASK_QUEUE }),
      },
    }),
  });
});
