import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsConfigShape, feeRatesFrom } from '@kvartirnsk/activities/bookings/config';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createDb } from '@kvartirnsk/lib/postgres';
import { BOOKINGS_TASK_QUEUE } from '@kvartirnsk/workflows/bookings/contract';
import { main, runWorkerPool } from './run-worker';

main(() => {
  const config = loadConfig(bookingsConfigShape);
  return runWorkerPool({
    pool: 'booking',
    taskQueue: BOOKINGS_TASK_QUEUE,
    resources: async () => {
      const db = createDb<BookingsDatabase>({
        url: config.BOOKINGS_DATABASE_URL,
        applicationName: 'worker-booking',
      });
      return { db, close: () => db.destroy() };
    },
    options: ({ db }) => ({
      workflowsPath: require.resolve('@kvartirnsk/workflows/bookings/index'),
      activities: createBookingActivities({ db, fees: feeRatesFrom(config) }),
    }),
  });
});
