import { once } from 'node:events';
import type { Client } from '@temporalio/client';
import { stringify } from 'csv-stringify/sync';
import type { Express, Response } from 'express';
import { z } from 'zod';
import type { PaymentsDb } from '@kvartirnsk/activities/payments/schema';
import {
  listPaymentWorkflows,
  moneyStepsOf,
  quoted,
  type MoneyStep,
  type PaymentWorkflowExecution,
} from '@kvartirnsk/activities/payments/workflow-history';
import { requireAnyRole } from '@kvartirnsk/lib/identity';
import { defineRoute, type ServiceApi } from '@kvartirnsk/lib/openapi';
import { notFound } from '@kvartirnsk/lib/problem';
import { callWithinDeadline } from '@kvartirnsk/lib/temporal';
import {
  payoutWorkflowId,
  paymentWorkflowId,
  reconciliationWorkflowId,
  refundWorkflowId,
} from '@kvartirnsk/workflows/payments/contract';
import { reconciliationWorkflow } from '@kvartirnsk/workflows/payments/reconciliation-workflow';

/** Rows read from the database per query while a CSV export streams, so an export never sits in memory. */
const EXPORT_PAGE = 1_000;

const moneySchema = z.object({ amount: z.number().int(), currency: z.string() });

const reportIdParam = z.object({ id: z.uuid() });
const bookingIdParam = z.object({ id: z.uuid() });

const periodQuery = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .strict()
  .refine(({ from, to }) => Date.parse(to) > Date.parse(from), {
    path: ['to'],
    message: 'must be after from',
  });

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(30),
    /** Reports started before this instant (the previous page's last `startedAt`). */
    before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const differencesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1_000).default(500),
    /** Differences after this id (the previous page's `nextAfter`). */
    after: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const reportSchema = z.object({
  id: z.uuid(),
  workflowId: z.string(),
  runId: z.string(),
  period: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  status: z.enum(['running', 'completed']),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  checked: z.object({
    ledgerTransactions: z.number().int(),
    providerOperations: z.number().int(),
    providerEvents: z.number().int(),
    workflows: z.number().int(),
    workflowSteps: z.number().int(),
  }),
  differences: z.number().int(),
});

const differenceSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  source: z.enum(['provider', 'history', 'ledger']),
  movement: z.string().nullable(),
  bookingId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  workflowId: z.string().nullable(),
  providerObjectId: z.string().nullable(),
  /** What the ledger says, and what the provider or the history says. */
  expected: moneySchema.nullable(),
  actual: moneySchema.nullable(),
  detail: z.string(),
});

const reportListReply = z.object({ reports: z.array(reportSchema), nextBefore: z.iso.datetime().optional() });
const reportReply = z.object({
  report: reportSchema,
  differences: z.array(differenceSchema),
  nextAfter: z.number().int().optional(),
});

export const workflowStepSchema = z.object({
  activityType: z.string(),
  activityId: z.string(),
  idempotencyKey: z.string(),
  movement: z.string(),
  amount: moneySchema,
  completedAt: z.iso.datetime(),
  providerObjectId: z.string().optional(),
});

export const trailWorkflowSchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  status: z.string(),
  startedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().optional(),
  steps: z.array(workflowStepSchema),
});

export const financeRoutes = {
  reconcile: defineRoute({
    method: 'post',
    path: '/payments/reconciliation/reports',
    operationId: 'reconcilePeriod',
    summary: 'Reconcile a period now, as the daily schedule does for each day (finance or admin)',
    security: 'bearer',
    body: periodQuery,
    responses: { 201: reportSchema },
    problems: [403, 503],
  }),
  reports: defineRoute({
    method: 'get',
    path: '/payments/reconciliation/reports',
    operationId: 'reconciliationReports',
    summary: 'Reconciliation reports, newest first (finance or admin)',
    security: 'bearer',
    query: listQuery,
    responses: { 200: reportListReply },
    problems: [403],
  }),
  report: defineRoute({
    method: 'get',
    path: '/payments/reconciliation/reports/:id',
    operationId: 'reconciliationReport',
    summary: 'One reconciliation report and a page of its differences (finance or admin)',
    security: 'bearer',
    params: reportIdParam,
    query: differencesQuery,
    responses: { 200: reportReply },
    problems: [403, 404],
  }),
  reportCsv: defineRoute({
    method: 'get',
    path: '/payments/reconciliation/reports/:id/export.csv',
    operationId: 'reconciliationReportCsv',
    summary: "A reconciliation report's differences as CSV (finance or admin)",
    security: 'bearer',
    params: reportIdParam,
    responses: { 200: null },
    problems: [403, 404],
  }),
  ledgerCsv: defineRoute({
    method: 'get',
    path: '/payments/ledger/entries/export.csv',
    operationId: 'ledgerEntriesCsv',
    summary: 'Ledger entries of transactions posted in a period [from, to) as CSV (finance or admin)',
    security: 'bearer',
    query: periodQuery,
    responses: { 200: null },
    problems: [403],
  }),
  trailCsv: defineRoute({
    method: 'get',
    path: '/payments/bookings/:id/trail/export.csv',
    operationId: 'bookingMoneyTrailCsv',
    summary: "A booking's money trail (ledger, provider, workflow steps, webhooks) as CSV (finance or admin)",
    security: 'bearer',
    params: bookingIdParam,
    responses: { 200: null },
    problems: [403],
  }),
};

interface ReportRow {
  id: string;
  workflow_id: string;
  run_id: string;
  period_from: Date;
  period_to: Date;
  status: 'running' | 'completed';
  ledger_transactions: number;
  provider_operations: number;
  provider_events: number;
  workflows: number;
  workflow_steps: number;
  differences: number;
  started_at: Date;
  completed_at: Date | null;
}

function reportJson(row: ReportRow): z.infer<typeof reportSchema> {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    period: { from: row.period_from.toISOString(), to: row.period_to.toISOString() },
    status: row.status,
    startedAt: row.started_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    checked: {
      ledgerTransactions: row.ledger_transactions,
      providerOperations: row.provider_operations,
      providerEvents: row.provider_events,
      workflows: row.workflows,
      workflowSteps: row.workflow_steps,
    },
    differences: row.differences,
  };
}

/** Streams CSV page by page: each page is written (waiting for the client when it reads slowly) before the next. */
async function sendCsv<Row extends Record<string, unknown>>(
  res: Response,
  filename: string,
  columns: ReadonlyArray<keyof Row & string>,
  pages: AsyncIterable<Row[]>,
): Promise<void> {
  res.status(200).type('text/csv; charset=utf-8').attachment(filename);
  let first = true;
  const options = { columns: [...columns], cast: { date: (date: Date) => date.toISOString() } };
  for await (const rows of pages) {
    if (rows.length === 0) continue;
    const chunk = stringify(rows, { ...options, header: first, bom: first });
    first = false;
    if (!res.write(chunk)) await once(res, 'drain');
  }
  // Spreadsheets open UTF-8 CSV correctly only with a byte-order mark.
  if (first) res.write(stringify([], { ...options, header: true, bom: true }));
  res.end();
}

/** Pages of a keyset-ordered query: `fetch(after)` returns rows after the cursor, `cursorOf` the next cursor. */
async function* pagesOf<Row, Cursor>(
  start: Cursor,
  fetch: (after: Cursor) => Promise<Row[]>,
  cursorOf: (row: Row) => Cursor,
): AsyncIterable<Row[]> {
  let after = start;
  for (;;) {
    const rows = await fetch(after);
    yield rows;
    if (rows.length < EXPORT_PAGE) return;
    after = cursorOf(rows.at(-1)!);
  }
}

export interface BookingWorkflows {
  workflows: Array<PaymentWorkflowExecution & { steps: MoneyStep[] }>;
}

/**
 * A booking's payment, refund and payout workflows (found through the visibility store by their ids) with the
 * money-moving steps read from each history.
 */
export async function workflowsOfBooking(temporal: Client, bookingId: string): Promise<BookingWorkflows> {
  const query =
    `WorkflowId IN (${quoted(paymentWorkflowId(bookingId))}, ${quoted(payoutWorkflowId(bookingId))}) ` +
    `OR WorkflowId STARTS_WITH ${quoted(refundWorkflowId(bookingId, ''))}`;
  const executions: PaymentWorkflowExecution[] = [];
  let pageToken: string | undefined;
  do {
    const page = await listPaymentWorkflows(temporal, query, 100, pageToken);
    executions.push(...page.executions);
    pageToken = page.nextPageToken;
  } while (pageToken);
  executions.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const workflows = await Promise.all(
    executions.map(async (execution) => ({
      ...execution,
      steps: await moneyStepsOf(temporal, execution.workflowId, execution.runId),
    })),
  );
  return { workflows };
}

export function trailWorkflowJson(
  workflow: BookingWorkflows['workflows'][number],
): z.infer<typeof trailWorkflowSchema> {
  return {
    workflowId: workflow.workflowId,
    runId: workflow.runId,
    workflowType: workflow.workflowType,
    status: workflow.status,
    startedAt: workflow.startedAt.toISOString(),
    ...(workflow.closedAt ? { closedAt: workflow.closedAt.toISOString() } : {}),
    steps: workflow.steps.map((step) => ({
      activityType: step.activityType,
      activityId: step.activityId,
      idempotencyKey: step.idempotencyKey,
      movement: step.movement,
      amount: step.amount,
      completedAt: step.completedAt.toISOString(),
      ...(step.providerObjectId ? { providerObjectId: step.providerObjectId } : {}),
    })),
  };
}

export interface FinanceDeps {
  db: PaymentsDb;
  temporal: Client;
  paymentsTaskQueue: string;
  workflowDeadlineMs: number;
}

export function mountFinanceRoutes(
  api: ServiceApi,
  app: Express,
  { db, temporal, paymentsTaskQueue, workflowDeadlineMs }: FinanceDeps,
) {
  const reportById = (id: string) =>
    db.selectFrom('reconciliation_reports').selectAll().where('id', '=', id).executeTakeFirst();

  api.mount(app, financeRoutes.reconcile, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { from, to } = financeRoutes.reconcile.body(req);
    const period = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    // A new run each time: finance re-runs a period after fixing what the last report found.
    const result = await callWithinDeadline(
      temporal,
      {
        deadlineMs: workflowDeadlineMs,
        unavailable:
          'The reconciliation is still running; its report will be listed under GET /payments/reconciliation/reports',
      },
      () =>
        temporal.workflow.execute(reconciliationWorkflow, {
          workflowId: reconciliationWorkflowId(period),
          taskQueue: paymentsTaskQueue,
          args: [{ period }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
    );
    const report = await reportById(result.reportId);
    if (!report) throw notFound('The reconciliation report was not written');
    res.status(201).json(reportJson(report));
  });

  api.mount(app, financeRoutes.reports, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { limit, before } = financeRoutes.reports.query(req);
    let query = db.selectFrom('reconciliation_reports').selectAll();
    if (before) query = query.where('started_at', '<', new Date(before));
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    res.json({
      reports: page.map(reportJson),
      ...(rows.length > limit ? { nextBefore: page.at(-1)!.started_at.toISOString() } : {}),
    });
  });

  api.mount(app, financeRoutes.report, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { id } = financeRoutes.report.params(req);
    const { limit, after } = financeRoutes.report.query(req);
    const report = await reportById(id);
    if (!report) throw notFound('No reconciliation report with this id');
    const rows = await db
      .selectFrom('reconciliation_differences')
      .selectAll()
      .where('report_id', '=', id)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const amount = (kopecks: number | null, currency: string | null) =>
      kopecks === null ? null : { amount: kopecks, currency: currency ?? 'RUB' };
    res.json({
      report: reportJson(report),
      differences: page.map((row) => ({
        id: row.id,
        kind: row.kind,
        source: row.source,
        movement: row.movement,
        bookingId: row.booking_id,
        idempotencyKey: row.idempotency_key,
        workflowId: row.workflow_id,
        providerObjectId: row.provider_object_id,
        expected: amount(row.expected_amount, row.currency),
        actual: amount(row.actual_amount, row.currency),
        detail: row.detail,
      })),
      ...(rows.length > limit ? { nextAfter: page.at(-1)!.id } : {}),
    });
  });

  api.mount(app, financeRoutes.reportCsv, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { id } = financeRoutes.reportCsv.params(req);
    const report = await reportById(id);
    if (!report) throw notFound('No reconciliation report with this id');
    const period = `${report.period_from.toISOString().slice(0, 10)}_${report.period_to.toISOString().slice(0, 10)}`;
    await sendCsv(
      res,
      `reconciliation-${period}-${id}.csv`,
      [
        'id',
        'kind',
        'source',
        'movement',
        'booking_id',
        'idempotency_key',
        'workflow_id',
        'provider_object_id',
        'expected_kopecks',
        'actual_kopecks',
        'currency',
        'detail',
      ],
      pagesOf(
        0,
        (after) =>
          db
            .selectFrom('reconciliation_differences')
            .select([
              'id',
              'kind',
              'source',
              'movement',
              'booking_id',
              'idempotency_key',
              'workflow_id',
              'provider_object_id',
              'expected_amount as expected_kopecks',
              'actual_amount as actual_kopecks',
              'currency',
              'detail',
            ])
            .where('report_id', '=', id)
            .where('id', '>', after)
            .orderBy('id')
            .limit(EXPORT_PAGE)
            .execute(),
        (row) => row.id,
      ),
    );
  });

  api.mount(app, financeRoutes.ledgerCsv, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { from, to } = financeRoutes.ledgerCsv.query(req);
    await sendCsv(
      res,
      `ledger-${from.slice(0, 10)}_${to.slice(0, 10)}.csv`,
      [
        'entry_id',
        'transaction_id',
        'posted_at',
        'kind',
        'booking_id',
        'payment_intent_id',
        'idempotency_key',
        'account',
        'amount_kopecks',
        'currency',
      ],
      pagesOf(
        0,
        (after) =>
          db
            .selectFrom('ledger_entries as e')
            .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
            .select([
              'e.id as entry_id',
              't.id as transaction_id',
              't.created_at as posted_at',
              't.kind',
              't.booking_id',
              't.payment_intent_id',
              't.idempotency_key',
              'e.account',
              'e.amount as amount_kopecks',
              'e.currency',
            ])
            .where('t.created_at', '>=', new Date(from))
            .where('t.created_at', '<', new Date(to))
            .where('e.id', '>', after)
            .orderBy('e.id')
            .limit(EXPORT_PAGE)
            .execute(),
        (row) => row.entry_id,
      ),
    );
  });

  api.mount(app, financeRoutes.trailCsv, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { id } = financeRoutes.trailCsv.params(req);
    const rows = await moneyTrailRows(db, temporal, id);
    await sendCsv(
      res,
      `money-trail-${id}.csv`,
      [
        'at',
        'source',
        'what',
        'idempotency_key',
        'workflow_id',
        'provider_object_id',
        'account',
        'amount_kopecks',
        'currency',
      ],
      (async function* () {
        yield rows;
      })(),
    );
  });
}

interface TrailRow extends Record<string, unknown> {
  at: Date;
  source: 'ledger' | 'provider' | 'workflow' | 'webhook';
  what: string;
  idempotency_key: string | null;
  workflow_id: string | null;
  provider_object_id: string | null;
  account: string | null;
  amount_kopecks: number | null;
  currency: string | null;
}

/** Every record of a booking's money, one row each, in time order: what finance traces a kopeck through. */
async function moneyTrailRows(db: PaymentsDb, temporal: Client, bookingId: string): Promise<TrailRow[]> {
  const [entries, operations, events, { workflows }] = await Promise.all([
    db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_transactions as t', 't.id', 'e.transaction_id')
      .select([
        't.created_at',
        't.kind',
        't.idempotency_key',
        't.payment_intent_id',
        'e.account',
        'e.amount',
        'e.currency',
      ])
      .where('t.booking_id', '=', bookingId)
      .orderBy('e.id')
      .execute(),
    db.selectFrom('provider_operations').selectAll().where('booking_id', '=', bookingId).execute(),
    db
      .selectFrom('webhook_events')
      .select(['id', 'type', 'received_at'])
      .where('booking_id', '=', bookingId)
      .execute(),
    workflowsOfBooking(temporal, bookingId),
  ]);
  const rows: TrailRow[] = [
    ...entries.map((e) => ({
      at: e.created_at,
      source: 'ledger' as const,
      what: e.kind,
      idempotency_key: e.idempotency_key,
      workflow_id: null,
      provider_object_id: e.payment_intent_id,
      account: e.account,
      amount_kopecks: e.amount,
      currency: e.currency,
    })),
    ...operations.map((op) => ({
      at: op.created_at,
      source: 'provider' as const,
      what: op.movement,
      idempotency_key: op.idempotency_key,
      workflow_id: null,
      provider_object_id: op.provider_object_id,
      account: null,
      amount_kopecks: op.amount,
      currency: op.currency,
    })),
    ...workflows.flatMap((workflow) =>
      workflow.steps.map((step) => ({
        at: step.completedAt,
        source: 'workflow' as const,
        what: step.activityType,
        idempotency_key: step.idempotencyKey,
        workflow_id: step.workflowId,
        provider_object_id: step.providerObjectId ?? null,
        account: null,
        amount_kopecks: step.amount.amount,
        currency: step.amount.currency,
      })),
    ),
    ...events.map((event) => ({
      at: event.received_at,
      source: 'webhook' as const,
      what: event.type,
      idempotency_key: null,
      workflow_id: null,
      provider_object_id: event.id,
      account: null,
      amount_kopecks: null,
      currency: null,
    })),
  ];
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}
