import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { parsePaymentsWorkflowId, type ReconciliationPeriod } from '@kvartirnsk/workflows/payments/contract';
import { PROVIDER_MOVEMENTS, type PaymentsDb } from './schema';
import {
  listPaymentWorkflows,
  moneyStepsOf,
  PAYMENT_WORKFLOW_TYPES,
  quoted,
  SUCCESSFUL_WORKFLOW_STATUSES,
} from './workflow-history';

export interface ReconciliationActivityDeps {
  db: PaymentsDb;
  temporal: Client;
  /** The queue the payment workflows run on: reconciliation looks only at those. */
  paymentsTaskQueue: string;
  /** Workflows read per activity call, so one call stays short and the workflow's history small. */
  pageSize?: number;
}

/** Provider events that mean money was charged on a PaymentIntent. */
const CHARGE_EVENTS = ['charge.succeeded', 'charge.captured', 'payment_intent.succeeded'];

export function createReconciliationActivities({
  db,
  temporal,
  paymentsTaskQueue,
  pageSize = 50,
}: ReconciliationActivityDeps) {
  async function periodOf(reportId: string) {
    return db
      .selectFrom('reconciliation_reports')
      .select(['period_from', 'period_to'])
      .where('id', '=', reportId)
      .executeTakeFirstOrThrow();
  }

  return {
    /** Starts this run's report (once per run, however often retried) and returns its id. */
    async openReconciliationReport(period: ReconciliationPeriod): Promise<string> {
      const execution = Context.current().info.workflowExecution;
      if (!execution) throw new Error('Reconciliation activities run only inside a workflow');
      await db
        .insertInto('reconciliation_reports')
        .values({
          workflow_id: execution.workflowId,
          run_id: execution.runId,
          period_from: new Date(period.from),
          period_to: new Date(period.to),
          status: 'running',
        })
        .onConflict((oc) => oc.column('run_id').doNothing())
        .execute();
      const { id } = await db
        .selectFrom('reconciliation_reports')
        .select('id')
        .where('run_id', '=', execution.runId)
        .executeTakeFirstOrThrow();
      return id;
    },

    /**
     * Reads one page of the payment workflows that were running at some point in the period, and the
     * money-moving steps of each from its history, into the report's working tables.
     */
    async collectWorkflowSteps({
      reportId,
      pageToken,
    }: {
      reportId: string;
      pageToken?: string;
    }): Promise<{ nextPageToken?: string; workflows: number; steps: number }> {
      const period = await periodOf(reportId);
      const query = [
        `TaskQueue = ${quoted(paymentsTaskQueue)}`,
        `WorkflowType IN (${PAYMENT_WORKFLOW_TYPES.map(quoted).join(', ')})`,
        `StartTime < ${quoted(period.period_to.toISOString())}`,
        `(CloseTime >= ${quoted(period.period_from.toISOString())} OR ExecutionStatus = 'Running')`,
      ].join(' AND ');
      const page = await listPaymentWorkflows(temporal, query, pageSize, pageToken);
      const histories = await Promise.all(
        page.executions.map(async (execution) => ({
          execution,
          steps: await moneyStepsOf(temporal, execution.workflowId, execution.runId),
        })),
      );
      Context.current().heartbeat();
      const steps = histories.flatMap((h) => h.steps);
      await db.transaction().execute(async (trx) => {
        if (page.executions.length > 0) {
          await trx
            .insertInto('reconciliation_workflows')
            .values(
              page.executions.map((execution) => ({
                report_id: reportId,
                workflow_id: execution.workflowId,
                run_id: execution.runId,
                workflow_type: execution.workflowType,
                status: execution.status,
                booking_id: parsePaymentsWorkflowId(execution.workflowId)?.bookingId ?? null,
                started_at: execution.startedAt,
                closed_at: execution.closedAt ?? null,
              })),
            )
            .onConflict((oc) => oc.columns(['report_id', 'run_id']).doNothing())
            .execute();
        }
        if (steps.length > 0) {
          await trx
            .insertInto('reconciliation_workflow_steps')
            .values(
              steps.map((step) => ({
                report_id: reportId,
                idempotency_key: step.idempotencyKey,
                workflow_id: step.workflowId,
                activity_type: step.activityType,
                movement: step.movement,
                booking_id: step.bookingId,
                amount: step.amount.amount,
                currency: step.amount.currency,
                completed_at: step.completedAt,
              })),
            )
            .onConflict((oc) => oc.columns(['report_id', 'idempotency_key']).doNothing())
            .execute();
        }
      });
      return { nextPageToken: page.nextPageToken, workflows: page.executions.length, steps: steps.length };
    },

    /**
     * Holds the ledger against the provider's answers and webhooks and against the workflow steps collected,
     * writes every difference to the report and completes it. The database does the joins, so a day of any
     * size passes through this activity as a report id and a count.
     */
    async compareWithLedger(reportId: string): Promise<{ differences: number }> {
      return db.transaction().execute(async (trx) => {
        const { period_from: from, period_to: to } = await trx
          .selectFrom('reconciliation_reports')
          .select(['period_from', 'period_to'])
          .where('id', '=', reportId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        // A retried comparison starts over rather than adding its findings twice.
        await trx.deleteFrom('reconciliation_differences').where('report_id', '=', reportId).execute();
        const inPeriod = (column: string) =>
          sql`${sql.ref(column)} >= ${from} AND ${sql.ref(column)} < ${to}`;
        const insert = sql`INSERT INTO reconciliation_differences (report_id, kind, source, movement, booking_id,
          idempotency_key, workflow_id, provider_object_id, expected_amount, actual_amount, currency, detail)`;
        const statements = [
          // The provider moved money the ledger never recorded: a missing capture, refund, payout, ...
          sql`${insert}
            SELECT ${reportId}::uuid, 'missing_ledger_posting', 'provider', p.movement, p.booking_id,
              p.idempotency_key, NULL, p.provider_object_id, NULL, p.amount, p.currency,
              'The provider confirmed a ' || p.movement || ' that the ledger has no posting for'
            FROM provider_operations p
            WHERE ${inPeriod('p.created_at')}
              AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = p.idempotency_key)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'missing_at_provider', 'provider', m.kind, m.booking_id,
              m.idempotency_key, NULL, m.payment_intent_id, m.amount, NULL, m.currency,
              'The ledger posted a ' || m.kind || ' that the provider never confirmed'
            FROM ledger_movements m
            WHERE ${inPeriod('m.created_at')} AND m.kind IN (${sql.join([...PROVIDER_MOVEMENTS])})
              AND NOT EXISTS (SELECT 1 FROM provider_operations p WHERE p.idempotency_key = m.idempotency_key)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'amount_mismatch', 'provider', m.kind, m.booking_id,
              m.idempotency_key, NULL, p.provider_object_id, m.amount, p.amount, m.currency,
              'The ledger and the provider disagree on the amount of a ' || m.kind
            FROM ledger_movements m JOIN provider_operations p ON p.idempotency_key = m.idempotency_key
            WHERE (${inPeriod('m.created_at')} OR ${inPeriod('p.created_at')}) AND m.amount <> p.amount`,
          // A workflow's history shows a completed money-moving step the ledger has no posting for.
          sql`${insert}
            SELECT ${reportId}::uuid, 'missing_ledger_posting', 'history', s.movement, s.booking_id,
              s.idempotency_key, s.workflow_id, NULL, NULL, s.amount, s.currency,
              s.activity_type || ' completed in ' || s.workflow_id || ' without a ledger posting'
            FROM reconciliation_workflow_steps s
            WHERE s.report_id = ${reportId} AND ${inPeriod('s.completed_at')}
              AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = s.idempotency_key)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'missing_in_history', 'history', m.kind, m.booking_id,
              m.idempotency_key, NULL, m.payment_intent_id, m.amount, NULL, m.currency,
              'No payment workflow history shows the step behind this ' || m.kind
            FROM ledger_movements m
            WHERE ${inPeriod('m.created_at')}
              AND NOT EXISTS (SELECT 1 FROM reconciliation_workflow_steps s
                WHERE s.report_id = ${reportId} AND s.idempotency_key = m.idempotency_key)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'amount_mismatch', 'history', m.kind, m.booking_id,
              m.idempotency_key, s.workflow_id, NULL, m.amount, s.amount, m.currency,
              'The ledger and ' || s.activity_type || ' in the workflow history disagree on the amount'
            FROM reconciliation_workflow_steps s JOIN ledger_movements m ON m.idempotency_key = s.idempotency_key
            WHERE s.report_id = ${reportId} AND (${inPeriod('m.created_at')} OR ${inPeriod('s.completed_at')})
              AND m.amount <> s.amount`,
          // Entries removed or altered behind the ledger's back (the balance trigger guards inserts and updates).
          sql`${insert}
            SELECT ${reportId}::uuid, 'unbalanced_transaction', 'ledger', t.kind, t.booking_id,
              t.idempotency_key, NULL, t.payment_intent_id, 0, sum(e.amount), e.currency,
              'The entries of this ' || t.kind || ' do not sum to zero'
            FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
            WHERE ${inPeriod('t.created_at')}
            GROUP BY t.id, e.currency HAVING sum(e.amount) <> 0`,
          // The provider's webhooks report refunds (cumulative per charge) beyond what the ledger refunded.
          sql`${insert}
            SELECT ${reportId}::uuid, 'refund_without_ledger_entry', 'provider', 'refund', w.booking_id,
              NULL, NULL, w.charge_id, coalesce(l.refunded, 0), w.refunded, w.currency,
              'The provider reports more refunded than the ledger'
            FROM (
              SELECT booking_id, max(payload->'data'->'object'->>'id') AS charge_id,
                max((payload->'data'->'object'->>'amount_refunded')::bigint) AS refunded,
                upper(max(payload->'data'->'object'->>'currency')) AS currency
              FROM webhook_events
              WHERE type = 'charge.refunded' AND booking_id IS NOT NULL AND ${inPeriod('received_at')}
              GROUP BY booking_id
            ) w
            LEFT JOIN (
              SELECT booking_id, sum(amount) AS refunded FROM ledger_movements WHERE kind = 'refund'
              GROUP BY booking_id
            ) l ON l.booking_id = w.booking_id
            WHERE w.refunded > coalesce(l.refunded, 0)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'orphan_provider_charge', 'provider', 'capture', w.booking_id,
              NULL, NULL, w.payment_intent_id, NULL, w.amount, w.currency,
              'The provider charged a PaymentIntent the ledger does not know (' || w.type || ')'
            FROM (
              SELECT booking_id, type,
                coalesce(payload->'data'->'object'->>'payment_intent', payload->'data'->'object'->>'id')
                  AS payment_intent_id,
                (payload->'data'->'object'->>'amount')::bigint AS amount,
                upper(payload->'data'->'object'->>'currency') AS currency
              FROM webhook_events
              WHERE type IN (${sql.join(CHARGE_EVENTS)}) AND ${inPeriod('received_at')}
            ) w
            WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.payment_intent_id = w.payment_intent_id)`,
          sql`${insert}
            SELECT ${reportId}::uuid, 'workflow_failed', 'history', NULL, w.booking_id,
              NULL, w.workflow_id, NULL, NULL, NULL, NULL,
              w.workflow_type || ' ended ' || w.status || '; its money may be stuck'
            FROM reconciliation_workflows w
            WHERE w.report_id = ${reportId} AND ${inPeriod('w.closed_at')}
              AND w.status NOT IN (${sql.join([...SUCCESSFUL_WORKFLOW_STATUSES])})`,
        ];
        for (const statement of statements) await statement.execute(trx);

        const count = async (query: ReturnType<typeof sql<{ count: number }>>) =>
          (await query.execute(trx)).rows[0]?.count ?? 0;
        const counts = {
          ledger_transactions: await count(
            sql`SELECT count(*)::int AS count FROM ledger_transactions WHERE ${inPeriod('created_at')}`,
          ),
          provider_operations: await count(
            sql`SELECT count(*)::int AS count FROM provider_operations WHERE ${inPeriod('created_at')}`,
          ),
          provider_events: await count(
            sql`SELECT count(*)::int AS count FROM webhook_events WHERE ${inPeriod('received_at')}`,
          ),
          workflows: await count(
            sql`SELECT count(*)::int AS count FROM reconciliation_workflows WHERE report_id = ${reportId}`,
          ),
          workflow_steps: await count(
            sql`SELECT count(*)::int AS count FROM reconciliation_workflow_steps
                WHERE report_id = ${reportId} AND ${inPeriod('completed_at')}`,
          ),
          differences: await count(
            sql`SELECT count(*)::int AS count FROM reconciliation_differences WHERE report_id = ${reportId}`,
          ),
        };
        await trx
          .updateTable('reconciliation_reports')
          .set({ ...counts, status: 'completed', completed_at: new Date() })
          .where('id', '=', reportId)
          .execute();
        return { differences: counts.differences };
      });
    },
  };
}
