import { MockActivityEnvironment } from '@temporalio/testing';
import type { Counter } from 'prom-client';
import { loadConfig } from '@kvartirnsk/lib/config';
import { metricsRegistry } from '@kvartirnsk/lib/metrics';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { PaymentFailureType } from '@kvartirnsk/workflows/payments/contract';
import { createPaymentActivities } from './activities';
import { paymentsMigrations, type PaymentsDatabase } from './schema';
import { createStripe, stripeConfigShape } from './stripe';

// Against stripe-mock, Stripe's official API mock, and the ledger on the local stack's Postgres.
const stripe = createStripe(loadConfig(stripeConfigShape));
let testDb: TestDatabase<PaymentsDatabase>;
let activities: ReturnType<typeof createPaymentActivities>;

const sentKeys: Array<{ path: string; key: string | undefined }> = [];
stripe.on('request', (event: { path: string; idempotency_key?: string }) => {
  sentKeys.push({ path: event.path, key: event.idempotency_key });
});

beforeAll(async () => {
  testDb = await createTestDatabase<PaymentsDatabase>('payments_activities', paymentsMigrations);
  activities = createPaymentActivities({ stripe, db: testDb.db });
});

afterAll(async () => {
  await testDb?.drop();
});

beforeEach(() => {
  sentKeys.length = 0;
});

function inWorkflow<Args extends unknown[], Result>(
  workflowId: string,
  activityId: string,
  fn: (...args: Args) => Promise<Result>,
  ...args: Args
): Promise<Result> {
  const env = new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' }, activityId });
  return env.run<Args, Result, typeof fn>(fn, ...args);
}

async function balances(bookingId: string) {
  const rows = await testDb.db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .select(['ledger_entries.account', (eb) => eb.fn.sum<string>('ledger_entries.amount').as('balance')])
    .where('ledger_transactions.booking_id', '=', bookingId)
    .groupBy('ledger_entries.account')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.account, Number(row.balance)]));
}

it('authorizes with a manual-capture PaymentIntent, keyed by workflow and activity, and records the hold', async () => {
  const authorization = await inWorkflow('payment:a', '1', activities.authorizePayment, {
    bookingId: 'a',
    amount: money(700_000),
  });

  expect(authorization.paymentIntentId).toMatch(/^pi_/);
  expect(authorization.amount).toEqual(money(700_000));
  expect(sentKeys).toEqual([{ path: '/v1/payment_intents', key: 'payment:a:1' }]);
  expect(await balances('a')).toEqual({ card_holds: 700_000, card_holds_outstanding: -700_000 });
});

it('capture turns the hold into a receivable owed to the stay, once even when retried', async () => {
  const held = { bookingId: 'b', paymentIntentId: 'pi_b', amount: money(500_000) };
  await inWorkflow('payment:b', '1', activities.authorizePayment, { bookingId: 'b', amount: money(500_000) });
  await inWorkflow('payment:b', '2', activities.capturePayment, held);
  await inWorkflow('payment:b', '2', activities.capturePayment, held);

  expect(sentKeys.slice(1)).toEqual([
    { path: '/v1/payment_intents/pi_b/capture', key: 'payment:b:2' },
    { path: '/v1/payment_intents/pi_b/capture', key: 'payment:b:2' },
  ]);
  expect(await balances('b')).toEqual({
    card_holds: 0,
    card_holds_outstanding: 0,
    provider_receivable: 500_000,
    guest_prepayments: -500_000,
  });
});

it('void releases the hold with a key of its own', async () => {
  await inWorkflow('payment:c', '1', activities.authorizePayment, { bookingId: 'c', amount: money(300_000) });
  await inWorkflow('payment:c', '2', activities.voidAuthorization, {
    bookingId: 'c',
    paymentIntentId: 'pi_c',
    amount: money(300_000),
  });

  expect(sentKeys.at(-1)).toEqual({ path: '/v1/payment_intents/pi_c/cancel', key: 'payment:c:2' });
  expect(await balances('c')).toEqual({ card_holds: 0, card_holds_outstanding: 0 });
});

it('follows a stay’s money to the end: capture, partial refund, earnings, payout — every account settles', async () => {
  const booking = 'd';
  const held = { bookingId: booking, paymentIntentId: 'pi_d', amount: money(700_000) };
  await inWorkflow('payment:d', '1', activities.authorizePayment, {
    bookingId: booking,
    amount: money(700_000),
  });
  await inWorkflow('payment:d', '2', activities.capturePayment, held);
  const refundId = await inWorkflow('refund:d:cancel', '1', activities.refundPayment, {
    ...held,
    amount: money(100_000),
    reason: 'partial cancellation',
  });
  await inWorkflow('payout:d', '1', activities.recognizeEarnings, {
    bookingId: booking,
    earned: money(600_000),
    hostShare: money(500_000),
  });
  const transferId = await inWorkflow('payout:d', '2', activities.transferToHost, {
    bookingId: booking,
    hostAccount: 'acct_host_d',
    amount: money(500_000),
  });

  expect(refundId).toMatch(/^re_/);
  expect(transferId).toMatch(/^tr_/);
  expect(sentKeys.map((call) => [call.path, call.key])).toEqual([
    ['/v1/payment_intents', 'payment:d:1'],
    ['/v1/payment_intents/pi_d/capture', 'payment:d:2'],
    ['/v1/refunds', 'refund:d:cancel:1'],
    ['/v1/transfers', 'payout:d:2'],
  ]);
  // What the provider still holds for us is exactly the platform's revenue; nothing is owed to anyone else.
  expect(await balances(booking)).toEqual({
    card_holds: 0,
    card_holds_outstanding: 0,
    guest_prepayments: 0,
    host_payable: 0,
    provider_receivable: 100_000,
    platform_revenue: -100_000,
  });
});

it('lets concurrent refunds of one booking together give back no more than was captured', async () => {
  const booking = 'e';
  const held = { bookingId: booking, paymentIntentId: 'pi_e', amount: money(700_000) };
  await inWorkflow('payment:e', '1', activities.authorizePayment, {
    bookingId: booking,
    amount: money(700_000),
  });
  await inWorkflow('payment:e', '2', activities.capturePayment, held);
  sentKeys.length = 0;

  const attempts = await Promise.allSettled(
    ['a', 'b', 'c'].map((request) =>
      inWorkflow(`refund:e:${request}`, '1', activities.refundPayment, {
        ...held,
        amount: money(300_000),
        reason: 'three agents, one complaint',
      }),
    ),
  );

  const refused = attempts.filter((attempt) => attempt.status === 'rejected');
  expect(refused).toHaveLength(1);
  expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
    type: PaymentFailureType.REFUND_EXCEEDS_CAPTURED,
    nonRetryable: true,
  });
  expect(sentKeys.filter((call) => call.path === '/v1/refunds')).toHaveLength(2);
  expect(await balances(booking)).toEqual(
    expect.objectContaining({ provider_receivable: 100_000, guest_prepayments: -100_000 }),
  );
});

it('claws a paid host’s share of a later refund back, through a host receivable, and every account settles', async () => {
  const booking = 'f';
  const held = { bookingId: booking, paymentIntentId: 'pi_f', amount: money(700_000) };
  await inWorkflow('payment:f', '1', activities.authorizePayment, {
    bookingId: booking,
    amount: money(700_000),
  });
  await inWorkflow('payment:f', '2', activities.capturePayment, held);
  await inWorkflow('payout:f', '1', activities.recognizeEarnings, {
    bookingId: booking,
    earned: money(700_000),
    hostShare: money(500_000),
  });
  const transferId = await inWorkflow('payout:f', '2', activities.transferToHost, {
    bookingId: booking,
    hostAccount: 'acct_host_f',
    amount: money(500_000),
  });
  sentKeys.length = 0;

  await inWorkflow('refund:f:cancel', '1', activities.refundPayment, {
    ...held,
    amount: money(300_000),
    reason: 'host cancelled after check-in',
  });
  await inWorkflow('refund:f:cancel', '2', activities.reverseEarnings, {
    bookingId: booking,
    refunded: money(300_000),
    hostShare: money(250_000),
  });
  expect((await balances(booking)).host_receivable).toBe(250_000);
  const reversalId = await inWorkflow('refund:f:cancel', '3', activities.reverseTransfer, {
    bookingId: booking,
    transferId,
    amount: money(250_000),
  });

  expect(reversalId).toMatch(/^trr_/);
  expect(sentKeys.map((call) => [call.path, call.key])).toEqual([
    ['/v1/refunds', 'refund:f:cancel:1'],
    [`/v1/transfers/${transferId}/reversals`, 'refund:f:cancel:3'],
  ]);
  // The provider keeps the platform's reduced fee: 2 000 ₽ earned, 500 ₽ of it given back.
  expect(await balances(booking)).toEqual({
    card_holds: 0,
    card_holds_outstanding: 0,
    guest_prepayments: 0,
    host_payable: 0,
    host_receivable: 0,
    provider_receivable: 150_000,
    platform_revenue: -150_000,
  });
});

/** Kopecks counted as moved so far in this process, by ledger transaction kind (all RUB here). */
async function movedCounted(): Promise<Record<string, number>> {
  const counter = metricsRegistry.getSingleMetric('kvartirnsk_money_moved_kopecks_total') as Counter;
  const { values } = await counter.get();
  return Object.fromEntries(values.map(({ labels, value }) => [`${labels.kind}:${labels.currency}`, value]));
}

it('counts the money moved once per ledger posting, though every activity ran twice', async () => {
  const twice = async <Args extends unknown[], Result>(
    workflowId: string,
    activityId: string,
    fn: (...args: Args) => Promise<Result>,
    ...args: Args
  ): Promise<Result> => {
    await inWorkflow(workflowId, activityId, fn, ...args);
    return inWorkflow(workflowId, activityId, fn, ...args);
  };
  const before = await movedCounted();

  const held = { bookingId: 'g', paymentIntentId: 'pi_g', amount: money(700_000) };
  await twice('payment:g', '1', activities.authorizePayment, { bookingId: 'g', amount: money(700_000) });
  await twice('payment:g', '2', activities.capturePayment, held);
  await twice('payout:g', '1', activities.recognizeEarnings, {
    bookingId: 'g',
    earned: money(700_000),
    hostShare: money(500_000),
  });
  const transferId = await twice('payout:g', '2', activities.transferToHost, {
    bookingId: 'g',
    hostAccount: 'acct_host_g',
    amount: money(500_000),
  });
  await twice('refund:g:cancel', '1', activities.refundPayment, {
    ...held,
    amount: money(300_000),
    reason: 'cancelled after check-in',
  });
  await twice('refund:g:cancel', '2', activities.reverseEarnings, {
    bookingId: 'g',
    refunded: money(300_000),
    hostShare: money(250_000),
  });
  await twice('refund:g:cancel', '3', activities.reverseTransfer, {
    bookingId: 'g',
    transferId,
    amount: money(250_000),
  });
  await twice('payment:h', '1', activities.authorizePayment, { bookingId: 'h', amount: money(400_000) });
  await twice('payment:h', '2', activities.voidAuthorization, {
    bookingId: 'h',
    paymentIntentId: 'pi_h',
    amount: money(400_000),
  });

  const after = await movedCounted();
  const moved = Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)])
      .filter(([, value]) => value !== 0),
  );
  expect(moved).toEqual({
    'authorization:RUB': 1_100_000,
    'capture:RUB': 700_000,
    'earning:RUB': 700_000,
    'payout:RUB': 500_000,
    'refund:RUB': 300_000,
    'earning_reversal:RUB': 300_000,
    'transfer_reversal:RUB': 250_000,
    'void:RUB': 400_000,
  });
});
