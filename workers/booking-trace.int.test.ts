import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { bookingsMigrations, type BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import { paymentsMigrations, type PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { usersMigrations, type UsersDatabase } from '@kvartirnsk/api-users/schema';
import { applyListingEvent } from '@kvartirnsk/api-bookings/listing-replica';
import { domainEvent } from '@kvartirnsk/lib/events';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import {
  answers,
  type ExportedSpan,
  freePort,
  listen,
  otlpReceiver,
  startTraced,
} from '@kvartirnsk/lib/testing-otlp';
import { createTestRedis, type TestRedis } from '@kvartirnsk/lib/testing-redis';
import { connectTestClient, TEST_NAMESPACE } from '@kvartirnsk/temporal/testing';
import { bookingWorkflowId, type BookingState } from '@kvartirnsk/workflows/bookings/contract';
import { paymentWorkflowId, payoutWorkflowId } from '@kvartirnsk/workflows/payments/contract';

// One Instant Book booking through every process it touches, each started the way scripts/services starts it with
// tracing on (telemetry preloaded, an OTLP endpoint set): the users service, the gateway, the bookings API and the
// booking and payment worker pools. The guest's POST is one trace from the gateway through the API's
// Update-with-Start into the booking workflow, its payment child workflow and the activities of both pools.
//
// The task queues are the contract's constants (the booking workflow itself puts its payment child on
// `payments`), so the pools poll the real queues in the test namespace: like api/bookings/bookings.int.test.ts
// and workers/worker-crash.int.test.ts, this file relies on integration files running one at a time. The bookings
// API consumes a fixed RabbitMQ queue and publishes booking events, so it gets a virtual host of its own.
const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RABBITMQ_MANAGEMENT_URL = process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';

const SERVER = 2;
const CLIENT = 3;

const run = randomUUID().slice(0, 8);
const VHOST = `kv-booking-trace-${run}`;
const LISTING = `trace-instant-${run}`;
const HOST_ID = randomUUID();

const spans: ExportedSpan[] = [];
const processes: ChildProcess[] = [];
const workflowIds: string[] = [];
let receiver: Server;
let usersDb: TestDatabase<UsersDatabase>;
let bookingsDb: TestDatabase<BookingsDatabase>;
let paymentsDb: TestDatabase<PaymentsDatabase>;
let redis: TestRedis;
let temporal: Client;
let gateway: string;

function start(entry: string, env: Record<string, string>): void {
  processes.push(startTraced(entry, env));
}

/** RabbitMQ's management API, as the AMQP user of RABBITMQ_URL. */
function rabbitManagement(resource: string, init: RequestInit = {}): Promise<Response> {
  const { username, password } = new URL(RABBITMQ_URL);
  const credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return fetch(`${RABBITMQ_MANAGEMENT_URL}/api/${resource}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
      'content-type': 'application/json',
    },
  });
}

/** A virtual host of this run's own, with the AMQP user allowed everything in it; its AMQP URL. */
async function createVirtualHost(): Promise<string> {
  const url = new URL(RABBITMQ_URL);
  const vhost = encodeURIComponent(VHOST);
  expect((await rabbitManagement(`vhosts/${vhost}`, { method: 'PUT' })).ok).toBe(true);
  const granted = await rabbitManagement(`permissions/${vhost}/${url.username}`, {
    method: 'PUT',
    body: JSON.stringify({ configure: '.*', write: '.*', read: '.*' }),
  });
  expect(granted.ok).toBe(true);
  url.pathname = `/${vhost}`;
  return url.toString();
}

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

beforeAll(async () => {
  receiver = otlpReceiver(spans);
  const otlp = `http://127.0.0.1:${await listen(receiver)}`;
  [usersDb, bookingsDb, paymentsDb] = await Promise.all([
    createTestDatabase<UsersDatabase>('users_trace', usersMigrations),
    createTestDatabase<BookingsDatabase>('bookings_trace', bookingsMigrations),
    createTestDatabase<PaymentsDatabase>('payments_trace', paymentsMigrations),
  ]);
  // The listings service's event, applied as the bookings API's replica consumer would apply it.
  await applyListingEvent(
    bookingsDb.db,
    domainEvent('listings', 'listing.published', {
      listingId: LISTING,
      hostId: HOST_ID,
      title: 'Студия на Лиговском',
      currency: 'RUB',
      nightlyPrice: 350_000,
      maxGuests: 2,
      instantBook: true,
    }),
  );
  redis = createTestRedis('booking-trace');
  temporal = await connectTestClient();
  const rabbitUrl = await createVirtualHost();

  const [usersPort, bookingsPort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const [gatewayMetrics, bookingMetrics, paymentMetrics] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const users = `http://127.0.0.1:${usersPort}`;
  const bookings = `http://127.0.0.1:${bookingsPort}`;
  gateway = `http://127.0.0.1:${gatewayPort}`;
  const shared = {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
    TEMPORAL_NAMESPACE: TEST_NAMESPACE,
    ...redis.config,
  };
  start('api/users/server.ts', { ...shared, PORT: String(usersPort), USERS_DATABASE_URL: usersDb.url });
  start('api/bookings/server.ts', {
    ...shared,
    PORT: String(bookingsPort),
    BOOKINGS_DATABASE_URL: bookingsDb.url,
    RABBITMQ_URL: rabbitUrl,
  });
  start('workers/booking.ts', {
    ...shared,
    METRICS_PORT: String(bookingMetrics),
    BOOKINGS_DATABASE_URL: bookingsDb.url,
  });
  start('workers/payment.ts', {
    ...shared,
    METRICS_PORT: String(paymentMetrics),
    PAYMENTS_DATABASE_URL: paymentsDb.url,
  });
  start('api/gateway/server.ts', {
    ...shared,
    PORT: String(gatewayPort),
    METRICS_PORT: String(gatewayMetrics),
    USERS_SERVICE_URL: users,
    BOOKINGS_SERVICE_URL: bookings,
  });
  await Promise.all([
    answers(`${users}/health/ready`),
    answers(`${bookings}/health/ready`),
    answers(`http://127.0.0.1:${bookingMetrics}/health/ready`),
    answers(`http://127.0.0.1:${paymentMetrics}/health/ready`),
    answers(`${gateway}/health/live`),
  ]);
}, 90_000);

afterAll(async () => {
  // A confirmed booking sleeps until check-out and its payout until check-in: end them.
  await Promise.all(
    workflowIds.map((id) =>
      temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  // SIGTERM drains HTTP and lets the workers hand back their tasks; whatever still hangs after that is killed.
  await Promise.all(
    processes.map(async (child) => {
      const gone = exited(child);
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(stuck);
    }),
  );
  receiver?.close();
  await temporal?.connection.close();
  await rabbitManagement(`vhosts/${encodeURIComponent(VHOST)}`, { method: 'DELETE' });
  await redis?.drop();
  await Promise.all([usersDb?.drop(), bookingsDb?.drop(), paymentsDb?.drop()]);
}, 30_000);

async function signUpGuest(): Promise<string> {
  const res = await fetch(`${gateway}/api/users/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `guest-${run}@example.com`,
      password: 'a long enough passphrase',
      name: 'Гость',
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

it('traces one booking from the gateway through the API into the workflows and the activities of both pools', async () => {
  const token = await signUpGuest();
  const bookingId = randomUUID();
  workflowIds.push(bookingWorkflowId(bookingId), paymentWorkflowId(bookingId), payoutWorkflowId(bookingId));
  const authorization = `Bearer ${token}`;

  const created = await fetch(`${gateway}/api/bookings`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ bookingId, listingId: LISTING, checkIn: day(30), checkOut: day(32), guests: 2 }),
  });
  expect(created.status).toBe(201);
  await eventually(
    async () => {
      const res = await fetch(`${gateway}/api/bookings/${bookingId}`, { headers: { authorization } });
      return ((await res.json()) as BookingState).status;
    },
    (status) => status === 'confirmed',
  );

  const trace = await eventually(
    async () => {
      const entry = spans.find(
        (span) =>
          span.service === 'api-gateway' && span.kind === SERVER && span.name === 'POST /api/bookings',
      );
      return spans.filter((span) => span.traceId === entry?.traceId);
    },
    (found) =>
      ['HandleUpdate:openBooking', 'RunWorkflow:paymentWorkflow', 'RunActivity:confirmBooking'].every(
        (name) => found.some((span) => span.name === name),
      ),
    { timeoutMs: 15_000 },
  );
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  const named = (service: string, name: string) => {
    const span = trace.find((candidate) => candidate.service === service && candidate.name === name);
    if (!span) throw new Error(`no ${name} span from ${service} in the trace: ${spanList(trace)}`);
    return span;
  };
  const parentOf = (span: ExportedSpan) => byId.get(span.parentSpanId ?? '');
  const isDescendant = (span: ExportedSpan, ancestor: ExportedSpan): boolean => {
    const parent = parentOf(span);
    return parent !== undefined && (parent === ancestor || isDescendant(parent, ancestor));
  };

  // The gateway: the guest's request is the root, and the gateway's forwarding call is inside it.
  const gatewayServer = named('api-gateway', 'POST /api/bookings');
  expect(gatewayServer.parentSpanId ?? '').toBe('');
  const forwarded = trace.find((span) => span.service === 'api-gateway' && span.kind === CLIENT)!;
  expect(isDescendant(forwarded, gatewayServer)).toBe(true);

  // The bookings API continues the forwarded call and opens the booking with Update-with-Start.
  const bookingsServer = named('api-bookings', 'POST /bookings');
  expect(bookingsServer.kind).toBe(SERVER);
  expect(bookingsServer.parentSpanId).toBe(forwarded.spanId);
  const updateWithStart = named('api-bookings', 'UpdateWithStartWorkflow:openBooking');
  expect(isDescendant(updateWithStart, bookingsServer)).toBe(true);

  // The booking pool: the update's handler continues the API's call; every step of the workflow hangs off one
  // workflow run, and each activity run off the workflow's call to it. (That run's own span, RunWorkflow:
  // bookingWorkflow, is exported when the booking ends, after check-out; the trace holds its children until then.)
  expect(parentOf(named('worker-booking', 'HandleUpdate:openBooking'))).toBe(updateWithStart);
  const startChildPayment = named('worker-booking', 'StartChildWorkflow:paymentWorkflow');
  const bookingRun = startChildPayment.parentSpanId;
  expect(bookingRun).toMatch(/^[0-9a-f]{16}$/);
  for (const activity of ['quoteStay', 'holdDates', 'confirmBooking']) {
    const scheduled = named('worker-booking', `StartActivity:${activity}`);
    expect(scheduled.parentSpanId).toBe(bookingRun);
    expect(parentOf(named('worker-booking', `RunActivity:${activity}`))).toBe(scheduled);
  }

  // The payment pool: the child workflow continues the booking's start of it, and its activities call Stripe
  // inside their own spans.
  const paymentRun = named('worker-payment', 'RunWorkflow:paymentWorkflow');
  expect(paymentRun.parentSpanId).toBe(startChildPayment.spanId);
  for (const activity of ['authorizePayment', 'capturePayment']) {
    const scheduled = named('worker-payment', `StartActivity:${activity}`);
    expect(scheduled.parentSpanId).toBe(paymentRun.spanId);
    const activityRun = named('worker-payment', `RunActivity:${activity}`);
    expect(parentOf(activityRun)).toBe(scheduled);
    expect(trace.some((span) => span.kind === CLIENT && span.parentSpanId === activityRun.spanId)).toBe(true);
  }
});

function spanList(trace: ExportedSpan[]): string {
  return trace.map((span) => `${span.service} ${span.name}`).join(', ');
}
