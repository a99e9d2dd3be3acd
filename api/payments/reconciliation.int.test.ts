import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { sql } from 'kysely';
import request from 'supertest';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { createReconciliationActivities } from '@kvartirnsk/activities/payments/reconciliation';
import {
  paymentsMigrations,
  type LedgerTransactionKind,
  type PaymentsDatabase,
} from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import { loadConfig } from '@kvartirnsk/lib/config';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { money, type Money } from '@kvartirnsk/lib/money';
import { createTestDatabase, eventually, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import {
  paymentCommandSignal,
  paymentStatusQuery,
  paymentWorkflowId,
  payoutWorkflowId,
  reconciliationWorkflowId,
  refundWorkflowId,
} from '@kvartirnsk/workflows/payments/contract';
import { paymentWorkflow } from '@kvartirnsk/workflows/payments/payment-workflow';
import { payoutWorkflow } from '@kvartirnsk/workflows/payments/payout-workflow';
import { refundWorkflow } from '@kvartirnsk/workflows/payments/refund-workflow';
import { createPaymentsApp } from './app';

// Real payment, refund and payout workflows on the local dev server (a task queue of this run's own, so the
// visibility store shows reconciliation only this file's workflows), stripe-mock, and a database of this file's
// own; then reconciliation through the finance API, on clean books and on books tampered with behind its back.
const run = randomBytes(4).toString('hex');
const QUEUE = `payments-reconciliation-${run}`;
const STAND_IN_QUEUE = `${QUEUE}-unpolled`;
const FINANCE = identityHeaders({ userId: 'finance-1', roles: ['finance'] });

let testDb: TestDatabase<PaymentsDatabase>;
let temporal: Client;
let workers: { stop(): Promise<void> };
let app: ReturnType<typeof createPaymentsApp>;
const standIns: WorkflowHandle[] = [];

const bookings = { a: randomUUID(), b: randomUUID(), c: randomUUID(), d: randomUUID(), e: randomUUID() };
const startedAt = new Date(Date.now() - 1_000);
const period = { from: startedAt.toISOString(), to: new Date(startedAt.getTime() + 600_000).toISOString() };

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_reconciliation', paymentsMigrations);
  temporal = await connectTestClient();
  const stripe = createStripe(loadConfig(stripeConfigShape));
  workers = await startTestWorkers([
    {
      taskQueue: QUEUE,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      activities: {
        ...createPaymentActivities({ stripe, db: testDb.db }),
        // Two workflows a page, so even this small day is read over several pages.
        ...createReconciliationActivities({
          db: testDb.db,
          temporal,
          paymentsTaskQueue: QUEUE,
          pageSize: 2,
        }),
      },
    },
  ]);
  app = createPaymentsApp({
    db: testDb.db,
    temporal,
    stripe,
    webhookSecret: 'whsec_unused',
    logger: createLogger('test', 'silent'),
    paymentsTaskQueue: QUEUE,
  });

  // A: paid, partly refunded, host paid; B: paid; C: hold voided; D: paid, host paid; E: hold still waiting.
  await Promise.all([
    stay(bookings.a, money(700_000), 'capture', {
      refund: money(100_000),
      payout: { earned: money(600_000), hostShare: money(500_000) },
    }),
    stay(bookings.b, money(400_000), 'capture'),
    stay(bookings.c, money(300_000), 'void'),
    stay(bookings.d, money(250_000), 'capture', {
      payout: { earned: money(250_000), hostShare: money(212_500) },
    }),
    stay(bookings.e, money(150_000)),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all(
    [...standIns, temporal?.workflow.getHandle(paymentWorkflowId(bookings.e))].map((handle) =>
      handle?.terminate('test finished').catch(() => undefined),
    ),
  );
  await workers?.stop();
  await temporal?.connection.close();
  await testDb?.drop();
});

/**
 * One booking's money through the real workflows: a hold, then capture or void (or none yet), then a refund
 * and a payout. A stand-in nobody polls takes the booking workflow's place as the receiver of the payment's
 * signal.
 */
async function stay(
  bookingId: string,
  amount: Money,
  command?: 'capture' | 'void',
  then: { refund?: Money; payout?: { earned: Money; hostShare: Money } } = {},
) {
  const standIn = await temporal.workflow.start('bookingStandIn', {
    workflowId: `stand-in:${bookingId}`,
    taskQueue: STAND_IN_QUEUE,
  });
  standIns.push(standIn);
  const payment = await temporal.workflow.start(paymentWorkflow, {
    workflowId: paymentWorkflowId(bookingId),
    taskQueue: QUEUE,
    args: [{ bookingId, amount, notifyWorkflowId: standIn.workflowId, captureWindow: '1 hour' }],
  });
  await eventually(
    () => payment.query(paymentStatusQuery),
    (status) => status === 'authorized',
  );
  if (!command) return;
  await payment.signal(paymentCommandSignal, command);
  const { paymentIntentId } = await payment.result();
  if (then.refund) {
    await temporal.workflow.execute(refundWorkflow, {
      workflowId: refundWorkflowId(bookingId, 'cancellation'),
      taskQueue: QUEUE,
      args: [
        {
          bookingId,
          paymentIntentId: paymentIntentId!,
          amount: then.refund,
          reason: 'cancelled',
          requestedBy: 'guest',
        },
      ],
    });
  }
  if (then.payout) {
    await temporal.workflow.execute(payoutWorkflow, {
      workflowId: payoutWorkflowId(bookingId),
      taskQueue: QUEUE,
      args: [{ bookingId, hostAccount: 'acct_host', ...then.payout, payAt: new Date().toISOString() }],
    });
  }
}

/** A CSV download as the bytes sent, so the byte-order mark spreadsheets need can be checked too. */
async function downloadCsv(path: string, query: object = {}) {
  const res = await request(app)
    .get(path)
    .query(query)
    .set(FINANCE)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
  const bytes = res.body as Buffer;
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return { headers: res.headers, lines: bytes.subarray(3).toString('utf8').trim().split('\n') };
}

const reconcile = () => request(app).post('/payments/reconciliation/reports').set(FINANCE).send(period);

it('reports nothing on clean books, having looked at every record of the period', async () => {
  const started = performance.now();
  const res = await reconcile();
  const tookMs = performance.now() - started;

  expect(res.status).toBe(201);
  expect(res.body).toEqual(
    expect.objectContaining({
      status: 'completed',
      period,
      differences: 0,
      // A 5, B 2, C 2, D 4 ledger transactions (E's hold 1); earnings (A, D) are ours alone.
      checked: {
        ledgerTransactions: 14,
        providerOperations: 12,
        providerEvents: 0,
        workflows: 8,
        workflowSteps: 14,
      },
    }),
  );
  console.log(`reconciled 5 bookings (8 workflows, 14 postings) in ${Math.round(tookMs)} ms`);
}, 60_000);

it('traces a booking’s money through its workflows’ histories, next to the ledger and the provider', async () => {
  const res = await request(app).get(`/payments/bookings/${bookings.a}/trail`).set(FINANCE);

  expect(res.status).toBe(200);
  const workflows = res.body.workflows as Array<{
    workflowId: string;
    status: string;
    steps: Array<{ activityType: string; amount: Money }>;
  }>;
  const steps = workflows.map((w) => [
    w.workflowId,
    w.status,
    w.steps.map((s) => [s.activityType, s.amount.amount]),
  ]);
  expect(steps).toEqual([
    [
      paymentWorkflowId(bookings.a),
      'Completed',
      [
        ['authorizePayment', 700_000],
        ['capturePayment', 700_000],
      ],
    ],
    [refundWorkflowId(bookings.a, 'cancellation'), 'Completed', [['refundPayment', 100_000]]],
    [
      payoutWorkflowId(bookings.a),
      'Completed',
      [
        ['recognizeEarnings', 600_000],
        ['transferToHost', 500_000],
      ],
    ],
  ]);
  // Every posting is explained by exactly one workflow step (same idempotency key) and the provider's answer.
  const stepKeys = res.body.workflows.flatMap((w: { steps: Array<{ idempotencyKey: string }> }) =>
    w.steps.map((s) => s.idempotencyKey),
  );
  const postings = res.body.transactions as Array<{
    kind: string;
    idempotencyKey: string;
    provider: { objectId: string } | null;
  }>;
  expect(postings.map((t) => t.idempotencyKey).sort()).toEqual([...stepKeys].sort());
  expect(postings.map((t) => [t.kind, t.provider?.objectId.slice(0, 3) ?? null])).toEqual([
    ['authorization', 'pi_'],
    ['capture', 'pi_'],
    ['refund', 're_'],
    ['earning', null],
    ['payout', 'tr_'],
  ]);
  const refundStep = res.body.workflows[1].steps[0];
  expect(refundStep.providerObjectId).toBe(postings[2]!.provider!.objectId);
});

it('exports a booking’s money trail and the period’s ledger entries as CSV', async () => {
  const trail = await downloadCsv(`/payments/bookings/${bookings.a}/trail/export.csv`);
  const ledger = await downloadCsv('/payments/ledger/entries/export.csv', period);

  const trailLines = trail.lines;
  expect(trailLines[0]).toBe(
    'at,source,what,idempotency_key,workflow_id,provider_object_id,account,amount_kopecks,currency',
  );
  // 13 ledger entries (a capture has 4, an earning 3), 4 provider answers, 5 workflow steps.
  expect(trailLines.slice(1).map((line) => line.split(',')[1])).toEqual(
    expect.arrayContaining(['ledger', 'provider', 'workflow']),
  );
  expect(trailLines).toHaveLength(1 + 13 + 4 + 5);
  const entries = await testDb.db.selectFrom('ledger_entries').select('id').execute();
  expect(ledger.lines).toHaveLength(1 + entries.length);
  expect(ledger.headers['content-disposition']).toMatch(/^attachment; filename="?ledger-\d{4}-/);
});

it('finds every difference planted behind the ledger’s back, with its kind and amounts', async () => {
  const { db } = testDb;
  const transactionOf = (bookingId: string, kind: LedgerTransactionKind) =>
    db
      .selectFrom('ledger_transactions')
      .select('id')
      .where('booking_id', '=', bookingId)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
  // B's capture posting is lost.
  const bCapture = await transactionOf(bookings.b, 'capture');
  await db.deleteFrom('ledger_entries').where('transaction_id', '=', bCapture.id).execute();
  await db.deleteFrom('ledger_transactions').where('id', '=', bCapture.id).execute();
  // A's refund is rewritten to 900 ₽, still balanced.
  const aRefund = await transactionOf(bookings.a, 'refund');
  await sql`UPDATE ledger_entries SET amount = sign(amount) * 90000 WHERE transaction_id = ${aRefund.id}`.execute(
    db,
  );
  // One leg of D's payout disappears.
  const dPayout = await transactionOf(bookings.d, 'payout');
  await db
    .deleteFrom('ledger_entries')
    .where('transaction_id', '=', dPayout.id)
    .where('account', '=', 'provider_receivable')
    .execute();
  // The provider refunds D and charges an intent we never created, outside our flows.
  await db
    .insertInto('webhook_events')
    .values([
      providerEvent('charge.refunded', bookings.d, { id: 'ch_d', amount: 250_000, amount_refunded: 50_000 }),
      providerEvent('charge.succeeded', null, { id: 'ch_x', payment_intent: 'pi_unknown', amount: 123_400 }),
    ])
    .execute();
  // E's payment workflow dies with its hold in place.
  await temporal.workflow.getHandle(paymentWorkflowId(bookings.e)).terminate('operator error');

  const res = await reconcile();
  const report = await request(app)
    .get(`/payments/reconciliation/reports/${res.body.id}`)
    .query({ limit: 100 })
    .set(FINANCE);

  expect(res.body.differences).toBe(8);
  const found = report.body.differences.map(
    (d: {
      kind: string;
      source: string;
      movement: string | null;
      bookingId: string | null;
      expected: Money | null;
      actual: Money | null;
    }) => [d.kind, d.source, d.movement, d.bookingId, d.expected?.amount ?? null, d.actual?.amount ?? null],
  );
  expect(found.sort()).toEqual(
    [
      ['missing_ledger_posting', 'provider', 'capture', bookings.b, null, 400_000],
      ['missing_ledger_posting', 'history', 'capture', bookings.b, null, 400_000],
      ['amount_mismatch', 'provider', 'refund', bookings.a, 90_000, 100_000],
      ['amount_mismatch', 'history', 'refund', bookings.a, 90_000, 100_000],
      ['unbalanced_transaction', 'ledger', 'payout', bookings.d, 0, 212_500],
      ['refund_without_ledger_entry', 'provider', 'refund', bookings.d, 0, 50_000],
      ['orphan_provider_charge', 'provider', 'capture', null, null, 123_400],
      ['workflow_failed', 'history', null, bookings.e, null, null],
    ].sort(),
  );
}, 60_000);

it('answers 503 with Retry-After while no payment worker takes the run, which goes on waiting for one', async () => {
  const unpolled = createPaymentsApp({
    db: testDb.db,
    temporal,
    stripe: createStripe(loadConfig(stripeConfigShape)),
    webhookSecret: 'whsec_unused',
    logger: createLogger('test', 'silent'),
    paymentsTaskQueue: STAND_IN_QUEUE,
    workflowDeadlineMs: 1_000,
  });
  const quietDay = { from: '2020-01-01T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z' };

  const res = await request(unpolled).post('/payments/reconciliation/reports').set(FINANCE).send(quietDay);

  const waiting = temporal.workflow.getHandle(reconciliationWorkflowId(quietDay));
  standIns.push(waiting);
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.body.detail).toMatch(/still running/);
  expect((await waiting.describe()).status.name).toBe('RUNNING');
});

it('lists reports newest first, pages differences, and exports a report as CSV, to finance only', async () => {
  const list = await request(app).get('/payments/reconciliation/reports').set(FINANCE);
  const [dirty, clean] = list.body.reports as Array<{ id: string; differences: number }>;
  const firstPage = await request(app)
    .get(`/payments/reconciliation/reports/${dirty!.id}`)
    .query({ limit: 3 })
    .set(FINANCE);
  const secondPage = await request(app)
    .get(`/payments/reconciliation/reports/${dirty!.id}`)
    .query({ limit: 10, after: firstPage.body.nextAfter })
    .set(FINANCE);
  const csv = await downloadCsv(`/payments/reconciliation/reports/${dirty!.id}/export.csv`);
  const guest = await request(app)
    .get('/payments/reconciliation/reports')
    .set(identityHeaders({ userId: 'g', roles: ['guest'] }));
  const missing = await request(app).get(`/payments/reconciliation/reports/${randomUUID()}`).set(FINANCE);
  const bad = await request(app).get('/payments/reconciliation/reports').query({ limit: 0 }).set(FINANCE);

  expect([dirty?.differences, clean?.differences]).toEqual([8, 0]);
  expect(firstPage.body.differences).toHaveLength(3);
  expect(secondPage.body.differences).toHaveLength(5);
  expect(secondPage.body.nextAfter).toBeUndefined();
  const { lines } = csv;
  expect(lines[0]).toBe(
    'id,kind,source,movement,booking_id,idempotency_key,workflow_id,provider_object_id,expected_kopecks,actual_kopecks,currency,detail',
  );
  expect(lines).toHaveLength(1 + 8);
  expect(lines.join('\n')).toContain(`missing_ledger_posting,provider,capture,${bookings.b}`);
  expect(guest.status).toBe(403);
  expect(missing.status).toBe(404);
  expect(bad.status).toBe(400);
  expect(bad.body.errors[0].field).toBe('limit');
});

function providerEvent(type: string, bookingId: string | null, object: Record<string, unknown>) {
  const id = `evt_${randomUUID().replaceAll('-', '')}`;
  const payload = { id, type, data: { object: { object: 'charge', currency: 'rub', ...object } } };
  return { id, type, booking_id: bookingId, delivered: false, payload: JSON.stringify(payload) };
}
