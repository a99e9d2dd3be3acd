import { Client, Connection } from '@temporalio/client';
import { assertQueuesFree, type ChaosResult, runChaos } from './chaos/harness';
import { vhostExists } from './chaos/downstream';
import { ciRunOptions } from './chaos/options';

// The chaos run in small: ~40 bookings of every scenario while a booking and a payment worker process are
// SIGKILLed and restarted and the provider times out, loses answers and fails with 5xx; no server restarts
// (the stack is shared). The bookings outbox feeds the analytics service and the search indexer, run as
// processes on a RabbitMQ vhost of the run's own. Every invariant must hold, analytics and the search index
// must agree with the bookings table, and the run must leave no worker, workflow or vhost behind.
const options = ciRunOptions();
let result: ChaosResult;
let startedAt: Date;

beforeAll(async () => {
  startedAt = new Date();
  result = await runChaos(options);
}, 300_000);

it('injects the planned faults and restarts nothing shared', () => {
  expect(result.faults.injected).toMatchObject({
    'kill-booking-worker': 1,
    'kill-payment-worker': 1,
    'provider-faults': 1,
    'restart-postgres': 0,
    'restart-temporal': 0,
  });
  const outage = result.faults.events.find((event) => event.kind === 'provider-faults');
  expect(outage?.detail.answered5xx).toBeGreaterThan(0);
  for (const event of result.faults.events) expect(event.recoveredAfterMs).not.toBeNull();
});

it('drives every scenario', () => {
  expect(result.bookings.total).toBe(options.bookings);
  for (const statuses of Object.values(result.bookings.byScenario)) {
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }
  expect(result.ledger.transactionsByKind).toMatchObject({
    capture: expect.any(Number),
    refund: expect.any(Number),
    payout: expect.any(Number),
  });
  expect(result.ledger.transactionsByKind.refund).toBeGreaterThan(0);
  expect(result.ledger.transactionsByKind.payout).toBeGreaterThan(0);
});

it('holds every invariant', () => {
  const failed = result.invariants.filter((invariant) => !invariant.ok);
  expect(failed).toEqual([]);
  expect(result.invariants.map((invariant) => invariant.name)).toEqual(
    expect.arrayContaining([
      'every-booking-settled',
      'no-overlapping-stays',
      'provider-once-per-idempotency-key',
      'no-double-capture-refund-or-payout',
      'ledger-balances',
      'booking-balances-to-the-kopeck',
      'no-deadlocks',
      'reconciliation-clean',
      'outbox-relayed',
      'analytics-agrees-with-bookings',
      'analytics-funnel-agrees-with-bookings',
      'search-agrees-with-bookings',
    ]),
  );
  expect(result.ok).toBe(true);
});

it('feeds analytics and the search index from the bookings outbox', () => {
  expect(result.downstream.eventsRelayed).toBeGreaterThanOrEqual(result.bookings.total);
  expect(result.timings.catchUpSeconds).not.toBeNull();
  expect(result.faults.supervisorRestarts).toEqual([]);
});

it('leaves no worker polling, no workflow of the run open and no vhost', async () => {
  await expect(vhostExists(result.downstream.vhost)).resolves.toBe(false);
  const connection = await Connection.connect({ address: options.temporalAddress });
  try {
    const client = new Client({ connection, namespace: options.namespace });
    await expect(assertQueuesFree(client, options.namespace)).resolves.toBeUndefined();
    const { count } = await client.workflow.count(
      `ExecutionStatus = 'Running' AND StartTime >= '${startedAt.toISOString()}'`,
    );
    expect(count).toBe(0);
  } finally {
    await connection.close();
  }
});
