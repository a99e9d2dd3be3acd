import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Client, type WorkflowHandle, WorkflowUpdateStage } from '@temporalio/client';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { transactionKindsOf } from '@kvartirnsk/activities/payments/ledger';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import {
  startStripeFaultProxy,
  type StripeFaultProxy,
} from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { connectTestClient, TEST_NAMESPACE } from '@kvartirnsk/temporal/testing';
import {
  approveUpdate,
  BOOKINGS_TASK_QUEUE,
  type BookingStatus,
  bookingStateQuery,
  bookingWorkflowId,
} from '@kvartirnsk/workflows/bookings/contract';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import { paymentWorkflowId } from '@kvartirnsk/workflows/payments/contract';

// The worker pools as real processes, as in production, killed with SIGKILL in the middle of a booking: the
// booking still finishes on fresh workers, every step runs once, and the provider takes the money once.
const ROOT = path.resolve(__dirname, '..');
const DAY_MS = 86_400_000;

let bookingsDb: TestDatabase<BookingsDatabase>;
let paymentsDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let provider: StripeFaultProxy;
const processes: ChildProcess[] = [];
const workflowIds: string[] = [];

function startPool(entry: 'booking' | 'payment'): ChildProcess {
  // One process per worker (tsx as a loader, not as a wrapper process), so SIGKILL hits the worker itself.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', `${entry}.ts`)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      TEMPORAL_NAMESPACE: TEST_NAMESPACE,
      BOOKINGS_DATABASE_URL: bookingsDb.url,
      PAYMENTS_DATABASE_URL: paymentsDb.url,
      STRIPE_API_BASE: provider.url,
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

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  expect(await exited(child)).toBe('SIGKILL');
}

function listing(id: string, instantBook: boolean) {
  return {
    id,
    host_id: 'host-1',
    title: 'Studio',
    currency: 'RUB' as const,
    nightly_price_kopecks: 300_000,
    weekend_price_kopecks: null,
    cleaning_fee_kopecks: 0,
    max_guests: 2,
    min_nights: 1,
    max_nights: 30,
    instant_book: instantBook,
    time_zone: 'Europe/Moscow',
    check_out_time: '12:00',
    published: true,
  };
}

beforeAll(async () => {
  bookingsDb = await createTestDatabase<BookingsDatabase>('bookings_crash', bookingsMigrations);
  paymentsDb = await createTestDatabase<PaymentsDatabase>('payments_crash', paymentsMigrations);
  await bookingsDb.db
    .insertInto('listings')
    .values([listing('flat-instant', true), listing('flat-request', false)])
    .execute();
  provider = await startStripeFaultProxy(loadConfig(stripeConfigShape).STRIPE_API_BASE);
  temporal = await connectTestClient();
});

afterEach(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await Promise.all(processes.map(exited));
  processes.length = 0;
});

afterAll(async () => {
  await Promise.all(
    workflowIds.map((id) =>
      temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await provider?.close();
  await temporal?.connection.close();
  await bookingsDb?.drop();
  await paymentsDb?.drop();
});

async function startBooking(listingId: string, startInDays: number) {
  const bookingId = randomUUID();
  workflowIds.push(bookingWorkflowId(bookingId), paymentWorkflowId(bookingId));
  const handle = await temporal.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(bookingId),
    taskQueue: BOOKINGS_TASK_QUEUE,
    args: [
      {
        bookingId,
        listingId,
        guestId: 'guest-1',
        checkIn: new Date(Date.now() + startInDays * DAY_MS).toISOString().slice(0, 10),
        checkOut: new Date(Date.now() + (startInDays + 2) * DAY_MS).toISOString().slice(0, 10),
        guests: 1,
      },
      { approvalWindow: '1 hour' },
    ],
  });
  return { bookingId, handle };
}

function reaches(handle: WorkflowHandle<typeof bookingWorkflow>, statuses: BookingStatus[]) {
  return eventually(
    () => handle.query(bookingStateQuery),
    (state) => statuses.includes(state.status),
    { timeoutMs: 90_000 },
  );
}

/**
 * The steps a workflow's history records, in order: activities it scheduled on a queue, and local activities
 * (recorded as markers once they completed; the SDK's marker data names the activity type).
 */
async function stepsRecordedBy(workflowId: string): Promise<string[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [scheduled];
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' && marker.details?.data?.payloads?.[0]?.data;
    return data
      ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type]
      : [];
  });
}

const ledgerKinds = (bookingId: string) => transactionKindsOf(paymentsDb.db, bookingId);

it('finishes a booking after its booking worker is killed between two steps', async () => {
  const firstWorker = startPool('booking');
  // No payment worker yet: the flow holds the dates, then waits for its payment to place the card hold.
  const { bookingId, handle } = await startBooking('flat-instant', 5);
  await reaches(handle, ['held']);

  await kill(firstWorker);
  startPool('payment');
  startPool('booking');

  const state = await reaches(handle, ['confirmed', 'failed']);
  expect(state.status).toBe('confirmed');
  const row = await bookingsDb.db
    .selectFrom('bookings')
    .selectAll()
    .where('id', '=', bookingId)
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'confirmed', payment_intent_id: state.paymentIntentId });
  expect(await stepsRecordedBy(bookingWorkflowId(bookingId))).toEqual([
    // The database steps, run by the booking pool itself as local activities, each recorded once.
    'quoteStay',
    'holdDates',
    'confirmBooking',
    // The guest's confirmation and the host's new booking, on the notification pool's queue (not running here:
    // notifications never block the flow).
    'notify',
    'notify',
  ]);
  expect(await stepsRecordedBy(paymentWorkflowId(bookingId))).toEqual(['authorizePayment', 'capturePayment']);
  expect(await ledgerKinds(bookingId)).toEqual(['authorization', 'capture']);
}, 180_000);

it('captures once when both workers are killed while the provider is failing the capture', async () => {
  const bookingWorker = startPool('booking');
  const paymentWorker = startPool('payment');
  const { bookingId, handle } = await startBooking('flat-request', 9);
  const held = await reaches(handle, ['awaiting_approval']);
  const capturePath = new RegExp(`/${held.paymentIntentId}/capture$`);
  provider.inject({ kind: 'status', status: 503 }, { path: capturePath, times: 2 });

  await handle.startUpdate(approveUpdate, {
    args: [{ by: 'host', actorId: 'host-1' }],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  await eventually(
    async () => provider.calls.filter((call) => capturePath.test(call.path) && call.faulted).length,
    (faulted) => faulted >= 1,
  );
  await kill(paymentWorker);
  await kill(bookingWorker);
  startPool('payment');
  startPool('booking');

  const state = await reaches(handle, ['confirmed', 'failed']);
  expect(state.status).toBe('confirmed');
  expect(provider.effective(capturePath)).toHaveLength(1);
  expect(await ledgerKinds(bookingId)).toEqual(['authorization', 'capture']);
}, 180_000);
