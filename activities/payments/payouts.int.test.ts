import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadConfig } from '@kvartirnsk/lib/config';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { payoutWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import { createPaymentActivities } from './activities';
import { transactionKindsOf } from './ledger';
import type { PayoutRecord } from './payouts';
import { paymentsMigrations, type PaymentsDatabase } from './schema';
import { createStripe, stripeConfigShape } from './stripe';

// The host's payout rows as the payout workflow's activities write them, against stripe-mock and the ledger on
// the local stack's Postgres. Each activity may run more than once (retries, replays of a reset workflow).
const stripe = createStripe(loadConfig(stripeConfigShape));
let testDb: TestDatabase<PaymentsDatabase>;
let activities: ReturnType<typeof createPaymentActivities>;

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_payout_records', paymentsMigrations);
  activities = createPaymentActivities({ stripe, db: testDb.db });
});

afterAll(async () => {
  await testDb?.drop();
});

function inPayoutWorkflow<Args extends unknown[], Result>(
  bookingId: string,
  activityId: string,
  fn: (...args: Args) => Promise<Result>,
  ...args: Args
): Promise<Result> {
  const env = new MockActivityEnvironment({
    workflowExecution: { workflowId: payoutWorkflowId(bookingId), runId: 'run-1' },
    activityId,
  });
  return env.run<Args, Result, typeof fn>(fn, ...args);
}

const payoutRows = (bookingId: string) =>
  testDb.db.selectFrom('payouts').selectAll().where('booking_id', '=', bookingId).execute();

function scheduled(bookingId: string, amount = 630_500): PayoutRecord {
  return {
    bookingId,
    hostId: 'host-records',
    amount: money(amount),
    payAt: '2026-12-02T12:00:00.000Z',
    status: 'scheduled',
  };
}

const transferOf = (bookingId: string, amount = 630_500) => ({
  bookingId,
  hostAccount: 'acct_host_records',
  amount: money(amount),
});

it('records a scheduled payout once however often the activity runs, with what a cancellation left', async () => {
  const bookingId = randomUUID();

  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));
  await inPayoutWorkflow(bookingId, '2', activities.recordPayout, scheduled(bookingId, 300_000));

  expect(await payoutRows(bookingId)).toEqual([
    expect.objectContaining({
      host_id: 'host-records',
      amount: 300_000,
      currency: 'RUB',
      status: 'scheduled',
      pay_at: new Date('2026-12-02T12:00:00.000Z'),
      paid_at: null,
    }),
  ]);
});

it('marks the payout paid by the transfer once: a retried transfer and a late record change nothing', async () => {
  const bookingId = randomUUID();
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));

  await inPayoutWorkflow(bookingId, '3', activities.transferToHost, transferOf(bookingId));
  const [paid] = await payoutRows(bookingId);
  await inPayoutWorkflow(bookingId, '3', activities.transferToHost, transferOf(bookingId));
  await inPayoutWorkflow(bookingId, '4', activities.recordPayout, scheduled(bookingId, 1));
  await inPayoutWorkflow(bookingId, '5', activities.recordPayout, {
    ...scheduled(bookingId),
    status: 'failed',
  });

  expect(paid).toMatchObject({ status: 'paid', amount: 630_500 });
  expect(paid?.paid_at).toBeInstanceOf(Date);
  expect(await payoutRows(bookingId)).toEqual([paid]);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['payout']);
});

it('settles a payout as nothing due for good', async () => {
  const bookingId = randomUUID();
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));

  await inPayoutWorkflow(bookingId, '2', activities.recordPayout, {
    ...scheduled(bookingId, 0),
    status: 'nothing_due',
  });
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));

  expect(await payoutRows(bookingId)).toEqual([
    expect.objectContaining({ status: 'nothing_due', amount: 0, paid_at: null }),
  ]);
});

it('lets a failed payout be paid when its workflow is reset and the transfer goes through', async () => {
  const bookingId = randomUUID();
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));
  await inPayoutWorkflow(bookingId, '4', activities.recordPayout, {
    ...scheduled(bookingId),
    status: 'failed',
  });
  await inPayoutWorkflow(bookingId, '1', activities.recordPayout, scheduled(bookingId));
  expect(await payoutRows(bookingId)).toEqual([expect.objectContaining({ status: 'failed' })]);

  await inPayoutWorkflow(bookingId, '3', activities.transferToHost, transferOf(bookingId));

  expect(await payoutRows(bookingId)).toEqual([expect.objectContaining({ status: 'paid', amount: 630_500 })]);
});

it('keeps no row for a payout started before payouts were recorded', async () => {
  const bookingId = randomUUID();

  await inPayoutWorkflow(bookingId, '2', activities.transferToHost, transferOf(bookingId));

  expect(await payoutRows(bookingId)).toEqual([]);
  expect(await transactionKindsOf(testDb.db, bookingId)).toEqual(['payout']);
});
