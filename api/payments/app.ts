import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { PaymentsDb } from '@kvartirnsk/activities/payments/schema';
import { createServiceApp, type RequestWithRawBody } from '@kvartirnsk/lib/http';
import { requireAnyRole } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { badRequest, ProblemError, problemType } from '@kvartirnsk/lib/problem';
import { sql } from '@kvartirnsk/lib/postgres';
import { withoutNul } from '@kvartirnsk/lib/text';
import { bookingWorkflowId, providerEventSignal } from '@kvartirnsk/workflows/bookings/contract';
import { PAYMENTS_TASK_QUEUE, refundWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import { disputeRoutes, mountDisputeRoutes } from './disputes';
import {
  financeRoutes,
  mountFinanceRoutes,
  trailWorkflowJson,
  trailWorkflowSchema,
  workflowsOfBooking,
} from './finance';
import { mountPayoutRoutes, payoutRoutes } from './payouts';
import { createRefundRunner } from './refunds';

/**
 * How long a request waits for a refund or reconciliation (provider calls, retried through outages) before it
 * is told to ask again.
 */
const PAYMENT_WORKFLOW_DEADLINE_MS = 30_000;

/** How old a signed webhook may be; older ones are refused as possible replays (Stripe's default). */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Provider events that change a booking's money outside our own flow. */
const BOOKING_PAYMENT_EVENTS = new Set([
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
]);

export interface PaymentsAppDeps {
  db: PaymentsDb;
  temporal: Client;
  stripe: Stripe;
  webhookSecret: string;
  logger: Logger;
  /** Where refunds and reconciliations run; tests give their own queue. */
  paymentsTaskQueue?: string;
  /** How long a request waits for a refund or reconciliation before a 503 (the workflow goes on). */
  workflowDeadlineMs?: number;
}

const invalidSignature = (detail: string) =>
  new ProblemError({
    type: problemType('invalid-signature'),
    title: 'Invalid webhook signature',
    status: 400,
    detail,
    errors: [{ field: 'Stripe-Signature', pointer: '/headers/stripe-signature', detail }],
  });

const bookingIdParam = z.object({ id: z.uuid() });

const moneySchema = z.object({ amount: z.number().int(), currency: z.string() });

const webhookReply = z.object({
  received: z.literal(true),
  delivered: z.boolean().optional(),
  duplicate: z.literal(true).optional(),
});

const balancesReply = z.object({
  balances: z.array(z.object({ account: z.string(), currency: z.string(), balance: z.number().int() })),
});

const trailReply = z.object({
  bookingId: z.uuid(),
  transactions: z.array(
    z.object({
      kind: z.string(),
      at: z.iso.datetime(),
      paymentIntentId: z.string().nullable(),
      idempotencyKey: z.string(),
      entries: z.array(z.object({ account: z.string(), amount: moneySchema })),
      /** The provider's answer to the call with the same idempotency key, when there was a provider call. */
      provider: z.object({ objectId: z.string(), amount: moneySchema }).nullable(),
    }),
  ),
  providerEvents: z.array(
    z.object({ id: z.string(), type: z.string(), delivered: z.boolean(), receivedAt: z.iso.datetime() }),
  ),
  /** The payment, refund and payout workflows, with the money-moving steps their histories record. */
  workflows: z.array(trailWorkflowSchema),
});

const refundBody = z
  .object({
    /** Chosen once per refund form submission: the same id never refunds twice. */
    refundRequestId: z.uuid(),
    amount: z.object({ amount: z.number().int().positive(), currency: z.literal('RUB') }).strict(),
    reason: withoutNul(z.string().trim().min(1).max(500)),
  })
  .strict();

const refundReply = z.object({ refundId: z.string(), amount: moneySchema });

// Handlers use these declarations, and the service's OpenAPI document is written from them.
export const paymentsRoutes = {
  stripeWebhook: defineRoute({
    method: 'post',
    path: '/payments/webhooks/stripe',
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe webhook endpoint (signed; verified with the endpoint secret)',
    security: 'anonymous',
    responses: { 200: webhookReply },
    // A missing, wrong or stale Stripe-Signature header.
    problems: [400],
  }),
  balances: defineRoute({
    method: 'get',
    path: '/payments/ledger/balances',
    operationId: 'ledgerBalances',
    summary: 'Balance of every ledger account (finance)',
    security: 'bearer',
    responses: { 200: balancesReply },
    problems: [403],
  }),
  refund: defineRoute({
    method: 'post',
    path: '/payments/bookings/:id/refunds',
    operationId: 'refundBooking',
    summary:
      'Refund part or all of a booking’s captured payment, e.g. to settle a dispute (finance or admin)',
    security: 'bearer',
    params: bookingIdParam,
    body: refundBody,
    responses: { 201: refundReply },
    problems: [403, 409, 503],
  }),
  trail: defineRoute({
    method: 'get',
    path: '/payments/bookings/:id/trail',
    operationId: 'bookingMoneyTrail',
    summary:
      "A booking's money trail: ledger transactions, the provider's answers and events, and the workflow steps behind them (finance)",
    security: 'bearer',
    params: bookingIdParam,
    responses: { 200: trailReply },
    problems: [403],
  }),
  ...financeRoutes,
  ...disputeRoutes,
  ...payoutRoutes,
};

function providerAnswer(operation?: { provider_object_id: string; amount: number; currency: string }) {
  return operation
    ? {
        objectId: operation.provider_object_id,
        amount: { amount: operation.amount, currency: operation.currency },
      }
    : null;
}

interface ChargeLike {
  metadata?: Record<string, string>;
  amount?: number;
  amount_refunded?: number;
  currency?: string;
}

export function createPaymentsApp({
  db,
  temporal,
  stripe,
  webhookSecret,
  logger,
  paymentsTaskQueue = PAYMENTS_TASK_QUEUE,
  workflowDeadlineMs = PAYMENT_WORKFLOW_DEADLINE_MS,
}: PaymentsAppDeps) {
  return createServiceApp({
    logger,
    bodyLimit: '1mb',
    readiness: async () => {
      await sql`SELECT 1`.execute(db);
    },
    routes(app) {
      const runRefund = createRefundRunner({
        db,
        temporal,
        paymentsTaskQueue,
        deadlineMs: workflowDeadlineMs,
      });
      const api = new ServiceApi({ info: { title: 'Kvartirnsk payments', version: '1' } });
      api.serve(app, '/payments/openapi.json');

      api.mount(app, paymentsRoutes.stripeWebhook, async (req, res) => {
        const signature = req.header('stripe-signature');
        if (!signature) throw invalidSignature('The Stripe-Signature header is missing');
        const raw = (req as RequestWithRawBody).rawBody;
        if (!raw) throw badRequest('The body must be the JSON event Stripe sent');
        let event: Stripe.Event;
        try {
          event = stripe.webhooks.constructEvent(raw, signature, webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
        } catch (err) {
          throw invalidSignature((err as Error).message);
        }

        const known = await db
          .selectFrom('webhook_events')
          .select('id')
          .where('id', '=', event.id)
          .executeTakeFirst();
        if (known) {
          res.json({ received: true, duplicate: true });
          return;
        }
        const charge = event.data.object as ChargeLike;
        const bookingId = charge.metadata?.bookingId ?? null;
        let delivered = false;
        if (bookingId && BOOKING_PAYMENT_EVENTS.has(event.type)) {
          const amount = event.type === 'charge.refunded' ? charge.amount_refunded : charge.amount;
          try {
            // Signal before recording: if Temporal is down we answer 5xx and Stripe redelivers; the workflow
            // ignores an event id it already has, so a redelivery after a lost answer is harmless.
            await temporal.workflow.getHandle(bookingWorkflowId(bookingId)).signal(providerEventSignal, {
              id: event.id,
              type: event.type,
              amount:
                amount === undefined
                  ? undefined
                  : { amount, currency: (charge.currency ?? 'rub').toUpperCase() as 'RUB' },
              at: new Date(event.created * 1000).toISOString(),
            });
            delivered = true;
          } catch (err) {
            // A booking whose flow has ended: kept undelivered for reconciliation to explain.
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }
        }
        await db
          .insertInto('webhook_events')
          .values({
            id: event.id,
            type: event.type,
            booking_id: bookingId,
            delivered,
            payload: JSON.stringify(event),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        res.json({ received: true, delivered });
      });

      api.mount(app, paymentsRoutes.balances, async (req, res) => {
        requireAnyRole(req, 'finance', 'admin');
        const rows = await db
          .selectFrom('ledger_entries')
          .select(['account', 'currency', (eb) => eb.fn.sum<string>('amount').as('balance')])
          .groupBy(['account', 'currency'])
          .orderBy('account')
          .execute();
        res.json({ balances: rows.map((row) => ({ ...row, balance: Number(row.balance) })) });
      });

      api.mount(app, paymentsRoutes.refund, async (req, res) => {
        const actor = requireAnyRole(req, 'finance', 'admin');
        const { id } = paymentsRoutes.refund.params(req);
        const body = paymentsRoutes.refund.body(req);
        const result = await runRefund({
          bookingId: id,
          workflowId: refundWorkflowId(id, body.refundRequestId),
          amount: body.amount,
          reason: body.reason,
          requestedBy: actor.userId,
        });
        res.status(201).json(result);
      });

      api.mount(app, paymentsRoutes.trail, async (req, res) => {
        requireAnyRole(req, 'finance', 'admin');
        const { id } = paymentsRoutes.trail.params(req);
        const transactions = await db
          .selectFrom('ledger_transactions')
          .selectAll()
          .where('booking_id', '=', id)
          .orderBy('created_at')
          .execute();
        const entries = await db
          .selectFrom('ledger_entries')
          .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
          .select([
            'ledger_entries.transaction_id',
            'ledger_entries.account',
            'ledger_entries.amount',
            'ledger_entries.currency',
          ])
          .where('ledger_transactions.booking_id', '=', id)
          .orderBy('ledger_entries.id')
          .execute();
        const providerEvents = await db
          .selectFrom('webhook_events')
          .select(['id', 'type', 'delivered', 'received_at'])
          .where('booking_id', '=', id)
          .orderBy('received_at')
          .execute();
        const operations = await db
          .selectFrom('provider_operations')
          .selectAll()
          .where('booking_id', '=', id)
          .execute();
        const { workflows } = await workflowsOfBooking(temporal, id);
        res.json({
          bookingId: id,
          transactions: transactions.map((t) => ({
            kind: t.kind,
            at: t.created_at.toISOString(),
            paymentIntentId: t.payment_intent_id,
            idempotencyKey: t.idempotency_key,
            entries: entries
              .filter((e) => e.transaction_id === t.id)
              .map((e) => ({ account: e.account, amount: { amount: e.amount, currency: e.currency } })),
            provider: providerAnswer(operations.find((op) => op.idempotency_key === t.idempotency_key)),
          })),
          providerEvents: providerEvents.map((event) => ({
            id: event.id,
            type: event.type,
            delivered: event.delivered,
            receivedAt: event.received_at.toISOString(),
          })),
          workflows: workflows.map(trailWorkflowJson),
        });
      });

      mountFinanceRoutes(api, app, { db, temporal, paymentsTaskQueue, workflowDeadlineMs });
      mountDisputeRoutes(api, app, { db, runRefund });
      mountPayoutRoutes(api, app, { db });
    },
  });
}
