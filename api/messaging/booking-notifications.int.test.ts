import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Connection } from 'mongoose';
import { Worker } from '@temporalio/worker';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { createBookingActivities } from '@kvartirnsk/activities/bookings/activities';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { createNotificationActivities } from '@kvartirnsk/activities/notifications/activities';
import { createLiveEmitter, NOTIFICATION_EVENT } from '@kvartirnsk/activities/notifications/live';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import { reviewModels } from '@kvartirnsk/activities/reviews/models';
import { createReviewWindowStarter } from '@kvartirnsk/activities/reviews/window-starter';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { applyListingEvent } from '@kvartirnsk/api-bookings/listing-replica';
import { signedInUser } from '@kvartirnsk/api-gateway/test-support';
import { loadConfig } from '@kvartirnsk/lib/config';
import { domainEvent } from '@kvartirnsk/lib/events';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { bookingWorkflow } from '@kvartirnsk/workflows/bookings/booking-workflow';
import {
  approveUpdate,
  type BookingRequest,
  type BookingState,
  bookingStateQuery,
  bookingWorkflowId,
  cancelUpdate,
  declineUpdate,
} from '@kvartirnsk/workflows/bookings/contract';
import {
  NOTIFICATIONS_TASK_QUEUE,
  type NotificationKind,
} from '@kvartirnsk/workflows/notifications/contract';
import { PAYMENTS_TASK_QUEUE } from '@kvartirnsk/workflows/payments/contract';
import {
  REVIEWS_TASK_QUEUE,
  reviewWindowStateQuery,
  reviewWindowWorkflowId,
} from '@kvartirnsk/workflows/reviews/contract';
import { type MessagingTestbed, startMessagingTestbed } from './test-support';

// "Notifications arrive live for each booking step": guest and host are signed in to a messaging instance with
// socket.io clients (the web app's token and handshake) while the real booking and payment workflows run with
// their real activities (Postgres, ledger, stripe-mock) and the notification pool's real activity pushes through
// the Redis emitter. Temporal is a time-skipping server of this file's own: the flows' payment and notification
// queues have fixed names, which on the shared dev server other files' workers would poll too, and a request
// can expire within the test.
const suffix = randomUUID().slice(0, 8);
const BOOKINGS_QUEUE = `booking-notifications-${suffix}`;
const REQUEST_LISTING = `listing-request-${suffix}`;
const INSTANT_LISTING = `listing-instant-${suffix}`;
const APPROVAL_WINDOW = '24 hours';
const DAY_MS = 86_400_000;

interface LiveNotification {
  id: string;
  kind: NotificationKind;
  data: {
    bookingId: string;
    reason?: string;
    amount?: { amount: number; currency: string };
    respondBy?: string;
    cancelledBy?: string;
    stage?: string;
  };
  title: { ru: string; en: string };
  readAt: string | null;
}

let tb: MessagingTestbed;
let env: TestWorkflowEnvironment;
let bookingsDb: TestDatabase<BookingsDatabase>;
let paymentsDb: TestDatabase<PaymentsDatabase>;
let reviewsMongo: Connection;
let workers: Worker[] = [];
let workersRunning: Promise<unknown>;
let host: Awaited<ReturnType<typeof signedInUser>>;
let guest: Awaited<ReturnType<typeof signedInUser>>;
const heard = { host: [] as LiveNotification[], guest: [] as LiveNotification[] };

beforeAll(async () => {
  let bookingBundle, paymentBundle, reviewBundle;
  [tb, env, bookingsDb, paymentsDb, reviewsMongo, bookingBundle, paymentBundle, reviewBundle] =
    await Promise.all([
      startMessagingTestbed('booking_notifications'),
      createTimeSkippingEnvironment(),
      createTestDatabase<BookingsDatabase>('booking_notifications_bookings', bookingsMigrations),
      createTestDatabase<PaymentsDatabase>('booking_notifications_payments', paymentsMigrations),
      connectMongo(
        process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
        `test_booking_notifications_reviews_${suffix}`,
      ),
      bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
      bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      bundleWorkflows('@kvartirnsk/workflows/reviews/index'),
    ]);
  [host, guest] = await Promise.all([
    signedInUser(tb.testRedis.redis, ['guest', 'host']),
    signedInUser(tb.testRedis.redis, ['guest']),
  ]);
  for (const [listingId, instantBook] of [
    [REQUEST_LISTING, false],
    [INSTANT_LISTING, true],
  ] as const) {
    await applyListingEvent(
      bookingsDb.db,
      domainEvent('listings', 'listing.published', {
        listingId,
        hostId: host.userId,
        title: 'Комната на Васильевском',
        currency: 'RUB',
        nightlyPrice: 350_000,
        weekendPrice: 400_000,
        cleaningFee: 100_000,
        maxGuests: 2,
        minNights: 1,
        maxNights: 28,
        instantBook,
        cancellationPolicy: 'flexible',
      }),
    );
  }
  workers = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: BOOKINGS_QUEUE,
      workflowBundle: bookingBundle,
      activities: createBookingActivities({
        db: bookingsDb.db,
        fees: { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 },
      }),
    }),
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: PAYMENTS_TASK_QUEUE,
      workflowBundle: paymentBundle,
      activities: createPaymentActivities({
        stripe: createStripe(loadConfig(stripeConfigShape)),
        db: paymentsDb.db,
      }),
    }),
    // The review pool: the booking opens the stay's review window through it at check-out.
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: REVIEWS_TASK_QUEUE,
      workflowBundle: reviewBundle,
      activities: {
        ...createReviewActivities({ models: reviewModels(reviewsMongo) }),
        ...createReviewWindowStarter({ temporal: env.client }),
      },
    }),
    // The notification pool as workers/notification.ts builds it, writing into this messaging instance's
    // database and emitting under its Redis prefix.
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: NOTIFICATIONS_TASK_QUEUE,
      activities: createNotificationActivities({
        models: tb.models,
        emitter: createLiveEmitter(tb.testRedis.redis),
        webBaseUrl: 'http://localhost:3000',
      }),
    }),
  ]);
  workersRunning = Promise.all(workers.map((worker) => worker.run()));
  const listen = (socket: Socket, into: LiveNotification[]) =>
    socket.on(NOTIFICATION_EVENT, (notification: LiveNotification) => into.push(notification));
  listen(await tb.connectAs(host.token), heard.host);
  listen(await tb.connectAs(guest.token), heard.guest);
}, 180_000);

afterAll(async () => {
  for (const worker of workers) worker.shutdown();
  await workersRunning;
  await env?.teardown();
  await tb?.close();
  await Promise.all([bookingsDb?.drop(), paymentsDb?.drop()]);
  await reviewsMongo?.dropDatabase();
  await reviewsMongo?.close();
}, 60_000);

let nextCheckIn = 30;
/** Two nights no other test of this file books, weeks ahead. */
async function book(listingId: string) {
  // The server's clock, which skipped ahead in earlier tests, decides what is "weeks ahead" for the flow.
  const now = await env.currentTimeMs();
  const day = (offset: number) => new Date(now + offset * DAY_MS).toISOString().slice(0, 10);
  const booking: BookingRequest = {
    bookingId: randomUUID(),
    listingId,
    guestId: guest.userId,
    checkIn: day(nextCheckIn),
    checkOut: day(nextCheckIn + 2),
    guests: 2,
  };
  nextCheckIn += 3;
  const handle = await env.client.workflow.start(bookingWorkflow, {
    workflowId: bookingWorkflowId(booking.bookingId),
    taskQueue: BOOKINGS_QUEUE,
    args: [booking, { approvalWindow: APPROVAL_WINDOW }],
  });
  return { bookingId: booking.bookingId, handle };
}

/** What the party's socket has received about the booking so far, in the order it arrived. */
const kindsHeard = (party: keyof typeof heard, bookingId: string) =>
  heard[party].filter((n) => n.data.bookingId === bookingId).map((n) => n.kind);

/** Waits until the party's socket has received exactly these notifications about the booking, in this order. */
function hears(party: keyof typeof heard, bookingId: string, kinds: NotificationKind[]) {
  return eventually(
    async () => kindsHeard(party, bookingId),
    (received) => received.length >= kinds.length,
  ).then((received) => expect(received).toEqual(kinds));
}

const notificationOf = (party: keyof typeof heard, bookingId: string, kind: NotificationKind) =>
  heard[party].find((n) => n.data.bookingId === bookingId && n.kind === kind);

// First, while nothing else is scheduled: waiting for this stay's end skips the server's clock weeks ahead (the
// later bookings take their dates from that clock). With this test last, after the expiry's skip, the server
// stopped skipping time with nothing pending.
it('instant book through the stay: confirmed, the host told, paid, then both are asked for a review', async () => {
  const { bookingId, handle } = await book(INSTANT_LISTING);

  await hears('guest', bookingId, ['booking_confirmed']);
  // Confirmed without the host's answer: the host learns of the booking when it is theirs.
  await hears('host', bookingId, ['booking_received']);
  expect(notificationOf('host', bookingId, 'booking_received')).toMatchObject({
    title: { ru: 'Новое бронирование', en: 'New booking' },
  });
  // Waiting for the result skips to check-out: the host is paid a day after check-in, and the stay's end opens
  // its review window, which tells both sides.
  const completed = await handle.result();
  await hears('host', bookingId, ['booking_received', 'payout_sent', 'review_window_open']);
  await hears('guest', bookingId, ['booking_confirmed', 'review_window_open']);

  expect(completed.status).toBe('completed');
  expect(notificationOf('host', bookingId, 'payout_sent')?.data.amount).toEqual(completed.quote?.hostPayout);
  const window = await env.client.workflow
    .getHandle(reviewWindowWorkflowId(bookingId))
    .query(reviewWindowStateQuery);
  for (const party of ['host', 'guest'] as const) {
    expect(notificationOf(party, bookingId, 'review_window_open')).toMatchObject({
      data: { bookingId, listingId: INSTANT_LISTING, closesAt: window.closesAt },
      title: { ru: 'Оставьте отзыв', en: 'Leave a review' },
    });
  }
});

it('request approved, then cancelled with a refund: each step reaches its party live, in order', async () => {
  const { bookingId, handle } = await book(REQUEST_LISTING);

  // The host learns of the request while the booking waits for them, and the guest until when it may wait.
  await hears('host', bookingId, ['booking_requested']);
  await hears('guest', bookingId, ['booking_request_sent']);
  expect(notificationOf('host', bookingId, 'booking_requested')).toMatchObject({
    title: { ru: 'Новый запрос на бронирование', en: 'New booking request' },
    readAt: null,
  });
  const waiting = await handle.query(bookingStateQuery);
  expect(notificationOf('guest', bookingId, 'booking_request_sent')).toMatchObject({
    data: { respondBy: waiting.approvalDeadline },
    title: { ru: 'Запрос отправлен хозяину', en: 'Request sent to the host' },
  });
  await handle.executeUpdate(approveUpdate, { args: [{ by: 'host', actorId: host.userId }] });
  await hears('guest', bookingId, ['booking_request_sent', 'booking_approved', 'booking_confirmed']);
  expect((await handle.query(bookingStateQuery)).status).toBe('confirmed');

  // Weeks before check-in: the listing's flexible policy gives money back.
  const cancelled: BookingState = await handle.executeUpdate(cancelUpdate, {
    args: [{ by: 'guest', actorId: guest.userId, reason: 'Планы изменились' }],
  });
  // Cancelled as soon as the dates are free; the refund follows once the provider has made it.
  await hears('guest', bookingId, [
    'booking_request_sent',
    'booking_approved',
    'booking_confirmed',
    'booking_cancelled',
    'refund_issued',
  ]);
  // The host, who approved it, hears the guest cancelled, and why.
  await hears('host', bookingId, ['booking_requested', 'booking_cancelled_for_host']);
  expect(notificationOf('host', bookingId, 'booking_cancelled_for_host')).toMatchObject({
    data: { cancelledBy: 'guest', stage: 'booking', reason: 'Планы изменились' },
    title: { en: 'A booking of your place was cancelled' },
  });

  expect(cancelled.status).toBe('cancelled');
  expect(notificationOf('guest', bookingId, 'refund_issued')?.data.amount).toEqual(cancelled.refund?.total);
  expect(cancelled.refund?.total.amount).toBeGreaterThan(0);
  expect(notificationOf('guest', bookingId, 'booking_cancelled')?.data.reason).toBe('Планы изменились');
  // What arrived live is what the guest's notification list holds, none of it read yet.
  const listed = await request(tb.url)
    .get('/messaging/notifications')
    .set(identityHeaders({ userId: guest.userId, roles: ['guest'] }));
  const live = heard.guest.filter((n) => n.data.bookingId === bookingId).map((n) => n.id);
  expect(listed.status).toBe(200);
  expect((listed.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual(
    expect.arrayContaining(live),
  );
  expect(listed.body.unread).toBeGreaterThanOrEqual(live.length);
});

it('instant book cancelled by an admin: the guest and the host each hear of it', async () => {
  const { bookingId, handle } = await book(INSTANT_LISTING);
  await hears('host', bookingId, ['booking_received']);

  const cancelled: BookingState = await handle.executeUpdate(cancelUpdate, {
    args: [{ by: 'admin', actorId: 'admin-1', reason: 'Объявление нарушает правила' }],
  });
  await hears('host', bookingId, ['booking_received', 'booking_cancelled_for_host']);
  await hears('guest', bookingId, ['booking_confirmed', 'booking_cancelled', 'refund_issued']);

  expect(cancelled.status).toBe('cancelled');
  expect(notificationOf('host', bookingId, 'booking_cancelled_for_host')).toMatchObject({
    data: { cancelledBy: 'admin', stage: 'booking', reason: 'Объявление нарушает правила' },
  });
  expect(notificationOf('guest', bookingId, 'refund_issued')?.data.amount).toEqual(cancelled.quote?.total);
});

it('request declined: the host hears of the request, the guest of the decline and its reason', async () => {
  const { bookingId, handle } = await book(REQUEST_LISTING);

  await hears('host', bookingId, ['booking_requested']);
  const declined = await handle.executeUpdate(declineUpdate, {
    args: [{ by: 'host', actorId: host.userId, reason: 'Ремонт в квартире' }],
  });
  await hears('guest', bookingId, ['booking_request_sent', 'booking_declined']);

  expect(declined.status).toBe('declined');
  expect(notificationOf('guest', bookingId, 'booking_declined')).toMatchObject({
    data: { reason: 'Ремонт в квартире' },
    title: { ru: 'Хозяин отклонил запрос' },
  });
  expect(kindsHeard('host', bookingId)).toEqual(['booking_requested']);
});

it('request expired: unanswered for the approval window, the guest hears it expired', async () => {
  const { bookingId, handle } = await book(REQUEST_LISTING);

  await hears('host', bookingId, ['booking_requested']);
  // Waiting for the result lets the server skip the 24 hours the host had to answer.
  const expired = await handle.result();
  await hears('guest', bookingId, ['booking_request_sent', 'booking_expired']);

  expect(expired.status).toBe('expired');
});
