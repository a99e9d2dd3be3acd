import type { Express } from 'express';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { DisputeTable, PaymentsDb } from '@kvartirnsk/activities/payments/schema';
import { requireAnyRole } from '@kvartirnsk/lib/identity';
import { defineRoute, type ServiceApi } from '@kvartirnsk/lib/openapi';
import { conflict, notFound } from '@kvartirnsk/lib/problem';
import { withoutNul } from '@kvartirnsk/lib/text';
import { disputeRefundWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import type { RefundRunner } from './refunds';

const rub = (min: number) =>
  z.object({ amount: z.number().int().min(min), currency: z.literal('RUB') }).strict();

const openBody = z
  .object({
    /** Chosen once per dispute by whoever records it: recording it again finds the same dispute. */
    disputeId: z.uuid(),
    claimed: rub(1),
    reason: withoutNul(z.string().trim().min(1).max(2_000)),
  })
  .strict();

const settleBody = z
  .object({
    /** What the guest gets back; zero when the dispute is decided for the host. */
    refund: rub(0),
    resolution: withoutNul(z.string().trim().min(1).max(2_000)),
  })
  .strict();

const moneySchema = z.object({ amount: z.number().int(), currency: z.string() });

const disputeSchema = z.object({
  id: z.uuid(),
  bookingId: z.string(),
  status: z.enum(['open', 'settled']),
  claimed: moneySchema,
  reason: z.string(),
  openedBy: z.string(),
  openedAt: z.iso.datetime(),
  refunded: moneySchema.nullable(),
  refundId: z.string().nullable(),
  resolution: z.string().nullable(),
  settledBy: z.string().nullable(),
  settledAt: z.iso.datetime().nullable(),
});

export const disputeRoutes = {
  openDispute: defineRoute({
    method: 'post',
    path: '/payments/bookings/:id/disputes',
    operationId: 'openDispute',
    summary: 'Record a guest’s dispute of a booking’s charge (finance or admin)',
    security: 'bearer',
    params: z.object({ id: z.uuid() }),
    body: openBody,
    responses: { 201: disputeSchema, 200: disputeSchema },
    problems: [403, 409],
  }),
  settleDispute: defineRoute({
    method: 'post',
    path: '/payments/bookings/:id/disputes/:disputeId/settle',
    operationId: 'settleDispute',
    summary: 'Settle a dispute, refunding what was decided through a RefundWorkflow (finance or admin)',
    security: 'bearer',
    params: z.object({ id: z.uuid(), disputeId: z.uuid() }),
    body: settleBody,
    responses: { 200: disputeSchema },
    problems: [403, 404, 409, 503],
  }),
  disputes: defineRoute({
    method: 'get',
    path: '/payments/bookings/:id/disputes',
    operationId: 'bookingDisputes',
    summary: 'A booking’s disputes, oldest first (finance or admin)',
    security: 'bearer',
    params: z.object({ id: z.uuid() }),
    responses: { 200: z.object({ disputes: z.array(disputeSchema) }) },
    problems: [403],
  }),
};

function disputeJson(row: Selectable<DisputeTable>): z.infer<typeof disputeSchema> {
  return {
    id: row.id,
    bookingId: row.booking_id,
    status: row.status,
    claimed: { amount: row.claimed_amount, currency: row.currency },
    reason: row.reason,
    openedBy: row.opened_by,
    openedAt: row.opened_at.toISOString(),
    refunded: row.refunded_amount === null ? null : { amount: row.refunded_amount, currency: row.currency },
    refundId: row.refund_id,
    resolution: row.resolution,
    settledBy: row.settled_by,
    settledAt: row.settled_at?.toISOString() ?? null,
  };
}

export function mountDisputeRoutes(
  api: ServiceApi,
  app: Express,
  { db, runRefund }: { db: PaymentsDb; runRefund: RefundRunner },
) {
  const disputeOf = (bookingId: string, disputeId: string) =>
    db
      .selectFrom('disputes')
      .selectAll()
      .where('id', '=', disputeId)
      .where('booking_id', '=', bookingId)
      .executeTakeFirst();

  api.mount(app, disputeRoutes.openDispute, async (req, res) => {
    const actor = requireAnyRole(req, 'finance', 'admin');
    const { id } = disputeRoutes.openDispute.params(req);
    const body = disputeRoutes.openDispute.body(req);
    const inserted = await db
      .insertInto('disputes')
      .values({
        id: body.disputeId,
        booking_id: id,
        status: 'open',
        claimed_amount: body.claimed.amount,
        currency: body.claimed.currency,
        reason: body.reason,
        opened_by: actor.userId,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      res.status(201).json(disputeJson(inserted));
      return;
    }
    const existing = await disputeOf(id, body.disputeId);
    if (!existing) throw conflict('dispute-id-taken', 'This dispute id belongs to another booking');
    res.status(200).json(disputeJson(existing));
  });

  api.mount(app, disputeRoutes.settleDispute, async (req, res) => {
    const actor = requireAnyRole(req, 'finance', 'admin');
    const { id, disputeId } = disputeRoutes.settleDispute.params(req);
    const body = disputeRoutes.settleDispute.body(req);
    const dispute = await disputeOf(id, disputeId);
    if (!dispute) throw notFound('No such dispute for this booking');
    if (dispute.status === 'settled') {
      if (dispute.refunded_amount === body.refund.amount) {
        res.json(disputeJson(dispute));
        return;
      }
      throw conflict('dispute-settled', 'This dispute was already settled with another refund');
    }
    if (body.refund.amount > dispute.claimed_amount) {
      throw conflict('exceeds-claim', `The guest claimed ${dispute.claimed_amount} kopecks`);
    }
    // The refund's id comes from the dispute: a settlement retried after a lost answer refunds once.
    const refund =
      body.refund.amount > 0
        ? await runRefund({
            bookingId: id,
            workflowId: disputeRefundWorkflowId(id, disputeId),
            amount: body.refund,
            reason: `Dispute settled: ${body.resolution}`,
            requestedBy: actor.userId,
          })
        : undefined;
    const settled = await db
      .updateTable('disputes')
      .set({
        status: 'settled',
        refunded_amount: body.refund.amount,
        refund_id: refund?.refundId ?? null,
        resolution: body.resolution,
        settled_by: actor.userId,
        settled_at: new Date(),
      })
      .where('id', '=', disputeId)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    res.json(disputeJson(settled ?? (await disputeOf(id, disputeId))!));
  });

  api.mount(app, disputeRoutes.disputes, async (req, res) => {
    requireAnyRole(req, 'finance', 'admin');
    const { id } = disputeRoutes.disputes.params(req);
    const rows = await db
      .selectFrom('disputes')
      .selectAll()
      .where('booking_id', '=', id)
      .orderBy('opened_at')
      .execute();
    res.json({ disputes: rows.map(disputeJson) });
  });
}
