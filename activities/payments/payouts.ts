import { sql } from 'kysely';
import type { Money } from '@kvartirnsk/lib/money';
import type { PaymentsDb, PayoutStatus } from './schema';

/** What the payout workflow records of a host's payout; `paid` is recorded by the transfer itself. */
export interface PayoutRecord {
  bookingId: string;
  hostId: string;
  amount: Money;
  payAt: string;
  status: Exclude<PayoutStatus, 'paid'>;
}

/**
 * Writes the host's payout row, once per booking. A paid or nothing-due payout is settled and never changes
 * again, so a retried or late record (an adjustment arriving as the payout is made) cannot reopen it; a
 * failed one may still be paid when its workflow is reset and retried.
 */
export async function savePayoutRecord(db: PaymentsDb, record: PayoutRecord): Promise<void> {
  await db
    .insertInto('payouts')
    .values({
      booking_id: record.bookingId,
      host_id: record.hostId,
      amount: record.amount.amount,
      currency: record.amount.currency,
      status: record.status,
      pay_at: new Date(record.payAt),
      paid_at: null,
    })
    .onConflict((oc) =>
      oc
        .column('booking_id')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          amount: eb.ref('excluded.amount'),
          currency: eb.ref('excluded.currency'),
          updated_at: sql<Date>`now()`,
        }))
        .where((eb) =>
          eb.or([
            eb('payouts.status', '=', 'scheduled'),
            eb.and([eb('payouts.status', '=', 'failed'), eb('excluded.status', '<>', 'scheduled')]),
          ]),
        ),
    )
    .execute();
}

/**
 * The transfer to the host went through: the payout is paid with what was sent. Payouts started before these
 * records have no row, and keep none.
 */
export async function markPayoutPaid(db: PaymentsDb, bookingId: string, amount: Money): Promise<void> {
  await db
    .updateTable('payouts')
    .set({
      status: 'paid',
      amount: amount.amount,
      currency: amount.currency,
      paid_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('booking_id', '=', bookingId)
    .where('status', 'in', ['scheduled', 'failed'])
    .execute();
}
