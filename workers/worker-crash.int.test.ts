import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { connectTestClient, TEST_NAMESPACE } from '@kvartirnsk/temporal/testing';
import {
  BOOKINGS_TASK_QUEUE,
  bookingStateQuery,
  bookingWorkflowId,
} from '@kvartirnsk/workflows/bookings/contract';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import { paymentWorkflowId } from '@kvartirnsk/workflows/payments/contract';

// The worker pools as real processes, as in production: a booking worker is killed with SIGKILL between two
// activities, and the booking still completes on a fresh worker without redoing the finished step.
const ROOT = path.resolve(__dirname, '..');

let testDb: TestDatabase<BookingsDatabase>;
let paymentsDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
const processes: ChildProcess[] = [];
let workflowId: string | undefined;

function startPool(entry: 'booking' | 'payment'): ChildProcess {
  // One process per worker (tsx as a loader, not as a wrapper process), so SIGKILL hits the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', `${entry}.ts`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TEMPORAL_NAMESPACE: TEST_NAMESPACE,
      BOOKINGS_DATABASE_URL: testDb.url,
      PAYMENTS_DATABASE_URL: paymentsDb.url,
      LOG_LEVEL: 'warn',
      // A killed worker's sticky queue is abandoned after this; keep the test short.
      WORKER_STICKY_TIMEOUT: '1s',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  processes.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase<BookingsDatabase>('bookings_crash', bookingsMigrations);
  paymentsDb = await createTestDatabase<PaymentsDatabase>('payments_crash', paymentsMigrations);
  await testDb.db
    .insertInto('listings')
    .values({
      id: 'flat-crash',
      host_id: 'host-1',
      title: 'Studio',
      currency: 'RUB',
      nightly_price_kopecks: 300_000,
      weekend_price_kopecks: null,
      cleaning_fee_kopecks: 0,
      max_guests: 2,
      min_nights: 1,
      max_nights: 30,
      instant_book: true,
      time_zone: 'Europe/Moscow',
      check_out_time: '12:00',
      published: true,
    })
    .execute();
  temporal = await connectTestClient();
});

afterAll(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await Promise.all(processes.map(exited));
  if (workflowId)
    await temporal.workflow
      .getHandle(workflowId)
      .terminate('test finished')
      .catch(() => undefined);
  await temporal?.connection.close();
  await testDb?.drop();
  await paymentsDb?.drop();
});

function activitiesScheduledIn(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): string[] {
  return (history.events ?? []).flatMap(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
}

it('finishes a booking after its worker process is killed mid-flight', async () => {
  const bookingId = randomUUID();
  workflowId = bookingWorkflowId(bookingId);
  const firstWorker = startPool('booking');

  // No payment worker yet: the flow holds the dates, then waits for its payment to place the card hold.
  const handle = await temporal.workflow.start(bookingWorkflow, {
    workflowId,
    taskQueue: BOOKINGS_TASK_QUEUE,
    args: [
      {
        bookingId,
        listingId: 'flat-crash',
        guestId: 'guest-1',
        checkIn: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
        checkOut: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
        guests: 1,
      },
      { approvalWindow: '1 hour' },
    ],
  });
  await eventually(
    () => handle.query(bookingStateQuery),
    (state) => state.status === 'held',
    { timeoutMs: 60_000 },
  );

  firstWorker.kill('SIGKILL');
  expect(await exited(firstWorker)).toBe('SIGKILL');
  startPool('payment');
  startPool('booking');

  const state = await eventually(
    () => handle.query(bookingStateQuery),
    (s) => s.status === 'confirmed' || s.status === 'failed',
    { timeoutMs: 90_000 },
  );
  expect(state.status).toBe('confirmed');
  const row = await testDb.db
    .selectFrom('bookings')
    .selectAll()
    .where('id', '=', bookingId)
    .executeTakeFirstOrThrow();
  expect(row.status).toBe('confirmed');
  expect(row.payment_intent_id).toBe(state.paymentIntentId);

  // Every step ran exactly once across both workers: the history has one completion per activity.
  const history = await handle.fetchHistory();
  const scheduled = activitiesScheduledIn(history);
  expect(scheduled).toEqual(['quoteStay', 'holdDates', 'confirmBooking']);
  const paymentHistory = await temporal.workflow.getHandle(paymentWorkflowId(bookingId)).fetchHistory();
  expect(activitiesScheduledIn(paymentHistory)).toEqual(['authorizePayment', 'capturePayment']);
  const ledger = await paymentsDb.db
    .selectFrom('ledger_transactions')
    .select('kind')
    .where('booking_id', '=', bookingId)
    .orderBy('created_at')
    .execute();
  expect(ledger.map((t) => t.kind)).toEqual(['authorization', 'capture']);
}, 180_000);
