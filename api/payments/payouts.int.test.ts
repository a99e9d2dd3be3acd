import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { savePayoutRecord } from '@kvartirnsk/activities/payments/payouts';
import { identityHeaders } from '@kvartirnsk/lib/identity';
import { money } from '@kvartirnsk/lib/money';
import { eventually } from '@kvartirnsk/lib/testing';
import { payoutWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import { payoutWorkflow } from '@kvartirnsk/workflows/payments/payout-workflow';
import { type PaymentsApiStack, startPaymentsApiStack } from './test-support';

// A host's payouts end to end: a PayoutWorkflow on the real dev server records the payout through the payment
// pool's activities (transferring through stripe-mock), and the payments API shows it to its host only.
let stack: PaymentsApiStack;

beforeAll(async () => {
  stack = await startPaymentsApiStack('payouts');
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const asHost = (hostId: string) => identityHeaders({ userId: hostId, roles: ['guest', 'host'] });

const payoutsOf = (headers: Record<string, string>, query = '') =>
  request(stack.app).get(`/payments/payouts${query}`).set(headers);

it('shows a host their payout as scheduled, then as paid once transferred, and no other host sees it', async () => {
  const hostId = `host-${randomUUID()}`;
  const bookingId = randomUUID();
  const payAt = new Date(Date.now() + 3_000).toISOString();
  const handle = await stack.temporal.workflow.start(payoutWorkflow, {
    workflowId: payoutWorkflowId(bookingId),
    taskQueue: stack.queue,
    args: [
      {
        bookingId,
        hostId,
        hostAccount: 'acct_payouts_test',
        earned: money(700_000),
        hostShare: money(630_500),
        payAt,
      },
    ],
  });
  try {
    const scheduled = await eventually(
      () => payoutsOf(asHost(hostId)),
      (res) => res.body.items?.length === 1,
    );
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toEqual({
      items: [
        { bookingId, amount: { amount: 630_500, currency: 'RUB' }, status: 'scheduled', payAt, paidAt: null },
      ],
    });

    const paid = await eventually(
      () => payoutsOf(asHost(hostId)),
      (res) => res.body.items?.[0]?.status === 'paid',
    );
    const [payout] = paid.body.items;
    expect(payout).toMatchObject({ bookingId, amount: { amount: 630_500, currency: 'RUB' }, payAt });
    expect(Date.parse(payout.paidAt)).toBeGreaterThanOrEqual(Date.parse(payAt));
    expect(
      stack.provider
        .effective(/^\/v1\/transfers$/)
        .filter((call) => call.idempotencyKey?.includes(bookingId)),
    ).toHaveLength(1);

    const otherHost = await payoutsOf(asHost(`host-${randomUUID()}`));
    expect(otherHost.status).toBe(200);
    expect(otherHost.body).toEqual({ items: [] });
  } finally {
    // Its host notification is another pool's work, not this test's (unless that pool already finished it).
    await handle.terminate('test finished').catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
  }
}, 60_000);

it('pages through a host’s payouts latest due first, each once', async () => {
  const hostId = `host-${randomUUID()}`;
  const dueDays = ['2026-12-05', '2026-12-03', '2026-12-03', '2026-12-02', '2026-11-30'];
  const bookingIds = dueDays.map(() => randomUUID());
  for (const [i, day] of dueDays.entries()) {
    await savePayoutRecord(stack.testDb.db, {
      bookingId: bookingIds[i]!,
      hostId,
      amount: money(100_000 * (i + 1)),
      payAt: `${day}T12:00:00.000Z`,
      status: 'scheduled',
    });
  }
  await savePayoutRecord(stack.testDb.db, {
    bookingId: randomUUID(),
    hostId: `host-${randomUUID()}`,
    amount: money(1),
    payAt: '2026-12-04T12:00:00.000Z',
    status: 'scheduled',
  });

  const pages: Array<{ items: Array<{ bookingId: string; payAt: string }>; nextCursor?: string }> = [];
  let cursor: string | undefined;
  do {
    const res = await payoutsOf(asHost(hostId), `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor && pages.length < 10);

  expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
  expect(pages.at(-1)).not.toHaveProperty('nextCursor');
  const listed = pages.flatMap((page) => page.items);
  expect(listed.map((item) => item.payAt.slice(0, 10))).toEqual([...dueDays]);
  expect(new Set(listed.map((item) => item.bookingId))).toEqual(new Set(bookingIds));
});

it('is for hosts: a guest is refused and an anonymous caller asked to sign in', async () => {
  const guest = await payoutsOf(identityHeaders({ userId: `guest-${randomUUID()}`, roles: ['guest'] }));
  const anonymous = await payoutsOf({});

  expect(guest.status).toBe(403);
  expect(guest.type).toBe('application/problem+json');
  expect(anonymous.status).toBe(401);
});

it.each([
  ['limit=0', 'limit'],
  ['limit=101', 'limit'],
  ['limit=many', 'limit'],
  ['cursor=not-a-cursor', 'cursor'],
  [`cursor=${Buffer.from('{"payAt":"yesterday"}').toString('base64url')}`, 'cursor'],
  ['hostId=someone-else', 'hostId'],
])('answers %s with a 400 problem naming %s', async (query, field) => {
  const res = await payoutsOf(asHost(`host-${randomUUID()}`), `?${query}`);

  expect(res.status).toBe(400);
  expect(res.type).toBe('application/problem+json');
  expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
});
