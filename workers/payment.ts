import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import { main, runWorkerPool } from './run-worker';

main(() => {
  const config = loadConfig(stripeConfigShape);
  return runWorkerPool({
    pool: 'payment',
    taskQueue: PAYMENTS_TASK_QUEUE,
    resources: () => Promise.resolve({ stripe: createStripe(config), close: () => Promise.resolve() }),
    options: ({ stripe }) => ({ activities: createPaymentActivities({ stripe }) }),
  });
});
