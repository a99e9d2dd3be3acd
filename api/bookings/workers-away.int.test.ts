import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { domainEvent } from '@kvartirnsk/lib/events';
import { type Actor, identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import { BOOKINGS_TASK_QUEUE, bookingWorkflowId } from '@kvartirnsk/workflows/bookings/contract';
import { createBookingsApp } from './app';
import { applyListingEvent } from './listing-replica';

// A booking asked for while no booking worker answers: the guest is told to try again, and the retry with the
// same bookingId finds the flow the first request started instead of starting a second one.
let db: TestDatabase<BookingsDatabase>;
let temporal: Client;
let workers: { stop(): Promise<void> } | undefined;

const suffix = randomUUID().slice(0, 8);
const LISTING = `away-${suffix}`;
const GUEST: Actor = { userId: `guest-${suffix}`, roles: ['guest'] };
const bookingId = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase<BookingsDatabase>('bookings_away', bookingsMigrations);
  await applyListingEvent(
    db.db,
    domainEvent('listings', 'listing.published', {
      listingId: LISTING,
      hostId: `host-${suffix}`,
      title: 'Студия на Садовой',
      currency: 'RUB',
      nightlyPrice: 300_000,
      weekendPrice: 300_000,
      cleaningFee: 0,
      maxGuests: 2,
      minNights: 1,
      maxNights: 28,
      instantBook: false,
    }),
  );
  temporal = await connectTestClient();
}, 60_000);

afterAll(async () => {
  await temporal?.workflow
    .getHandle(bookingWorkflowId(bookingId))
    .terminate('test finished')
    .catch(() => undefined);
  await workers?.stop();
  await temporal?.connection.close();
  await db?.drop();
});

it('answers 503 with Retry-After while no booking worker answers, and the retry attaches to the same flow', async () => {
  const appWith = (workflowDeadlineMs?: number) =>
    createBookingsApp({
      db: db.db,
      temporal,
      // Errors only: should a call ever answer 500, the log says what the API caught.
      logger: createLogger('test', 'error'),
      terms: { approvalWindow: '1 hour' },
      workflowDeadlineMs,
    });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const body = { bookingId, listingId: LISTING, guests: 1, checkIn: day(20), checkOut: day(22) };
  const book = (app: ReturnType<typeof appWith>) =>
    request(app).post('/bookings').set(identityHeaders(GUEST)).send(body);

  const unanswered = await book(appWith(1_000));

  expect(unanswered.status).toBe(503);
  expect(unanswered.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(unanswered.headers['retry-after']).toBe('5');
  expect(unanswered.body.type).toMatch(/service-unavailable$/);
  expect(unanswered.body.detail).toMatch(/same bookingId/);
  const firstRun = await temporal.workflow.getHandle(bookingWorkflowId(bookingId)).describe();
  expect(firstRun.status.name).toBe('RUNNING');

  workers = await startTestWorkers([
    {
      taskQueue: BOOKINGS_TASK_QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
      activities: createBookingActivities({
        db: db.db,
        fees: { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 },
      }),
    },
  ]);
  // The retry waits as long as the service does, so a slow first task of a fresh worker is not a failure.
  const retried = await book(appWith());

  expect(retried.status).toBe(201);
  expect(retried.body).toMatchObject({ bookingId, guestId: GUEST.userId, status: 'held' });
  const run = await temporal.workflow.getHandle(bookingWorkflowId(bookingId)).describe();
  expect(run.runId).toBe(firstRun.runId);
  const rows = await db.db.selectFrom('bookings').select('id').where('listing_id', '=', LISTING).execute();
  expect(rows.map((r) => r.id)).toEqual([bookingId]);
}, 60_000);
