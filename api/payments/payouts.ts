import type { Express } from 'express';
import { z } from 'zod';
import { PAYOUT_STATUSES, type PaymentsDb } from '@kvartirnsk/activities/payments/schema';
import { requireAnyRole } from '@kvartirnsk/lib/identity';
import { moneySchema } from '@kvartirnsk/lib/money-schema';
import { defineRoute, type ServiceApi } from '@kvartirnsk/lib/openapi';
import { pageCursor } from '@kvartirnsk/lib/page-cursor';

const payoutsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    /** Opaque: where the previous page ended (its `nextCursor`). */
    cursor: z.string().max(200).optional(),
  })
  .strict();

const payoutSchema = z.object({
  bookingId: z.string(),
  /** The host's share: still due while scheduled, transferred once paid. */
  amount: moneySchema,
  status: z.enum(PAYOUT_STATUSES),
  /** When it is (or was) due: a day after check-in. */
  payAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
});

const payoutPageSchema = z.object({
  items: z.array(payoutSchema),
  /** Absent on the last page. */
  nextCursor: z.string().optional(),
});

export const payoutRoutes = {
  payouts: defineRoute({
    method: 'get',
    path: '/payments/payouts',
    operationId: 'hostPayouts',
    summary: "The calling host's payouts, one per stay, latest due first (host)",
    security: 'bearer',
    query: payoutsQuery,
    responses: { 200: payoutPageSchema },
    problems: [403],
  }),
};

const pages = pageCursor(z.object({ payAt: z.iso.datetime(), bookingId: z.string().min(1) }));

export function mountPayoutRoutes(api: ServiceApi, app: Express, { db }: { db: PaymentsDb }) {
  api.mount(app, payoutRoutes.payouts, async (req, res) => {
    // Only ever the caller's own payouts: the host id comes from the identity, never from the query.
    const host = requireAnyRole(req, 'host');
    const { limit, cursor } = payoutRoutes.payouts.query(req);
    let select = db
      .selectFrom('payouts')
      .select(['booking_id', 'amount', 'currency', 'status', 'pay_at', 'paid_at'])
      .where('host_id', '=', host.userId)
      .orderBy('pay_at', 'desc')
      .orderBy('booking_id', 'desc')
      .limit(limit + 1);
    if (cursor) {
      const after = pages.decode(cursor);
      select = select.where((eb) =>
        eb(eb.refTuple('pay_at', 'booking_id'), '<', eb.tuple(new Date(after.payAt), after.bookingId)),
      );
    }
    const rows = await select.execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    res.json({
      items: page.map((row) => ({
        bookingId: row.booking_id,
        amount: { amount: row.amount, currency: row.currency },
        status: row.status,
        payAt: row.pay_at.toISOString(),
        paidAt: row.paid_at?.toISOString() ?? null,
      })),
      ...(rows.length > limit && last
        ? { nextCursor: pages.encode({ payAt: last.pay_at.toISOString(), bookingId: last.booking_id }) }
        : {}),
    });
  });
}
