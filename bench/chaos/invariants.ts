import type { ProviderCall } from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import {
  LedgerAccount,
  type LedgerTransactionKind,
  type PaymentsDatabase,
  type ProviderMovement,
} from '@kvartirnsk/activities/payments/schema';
import { type Kysely, sql } from '@kvartirnsk/lib/postgres';
import { BookingFailureType, type BookingState } from '@kvartirnsk/workflows/bookings/contract';
import { parsePaymentsWorkflowId } from '@kvartirnsk/workflows/payments/contract';
import type { DrivenBooking } from './driver';
import type { Expectation } from './scenarios';

export interface InvariantResult {
  name: string;
  description: string;
  ok: boolean;
  /** What was checked (bookings, transactions, calls). */
  checked: number;
  violations: number;
  /** The first few, readable. */
  examples: string[];
}

export interface SettledBooking extends DrivenBooking {
  expected: Expectation;
  /** The booking row's status at the end, or `refused` when there is no row. */
  finalStatus: string;
}

export interface ReconciliationOutcome {
  reportId: string;
  differences: number;
  byKind: Record<string, number>;
  examples: string[];
}

export interface InvariantInput {
  bookings: SettledBooking[];
  /** Each booking's workflow state at the end (its query), where the workflow answered. */
  states: Map<string, BookingState>;
  bookingsDb: Kysely<BookingsDatabase>;
  paymentsDb: Kysely<PaymentsDatabase>;
  providerCalls: ProviderCall[];
  reconciliation?: ReconciliationOutcome;
}

const MAX_EXAMPLES = 10;

export function result(
  name: string,
  description: string,
  checked: number,
  problems: string[],
): InvariantResult {
  return {
    name,
    description,
    ok: problems.length === 0,
    checked,
    violations: problems.length,
    examples: problems.slice(0, MAX_EXAMPLES),
  };
}

/** The money movement a provider call makes, from its method and path; undefined for reads. */
export function movementOf(call: Pick<ProviderCall, 'method' | 'path'>): ProviderMovement | undefined {
  if (call.method !== 'POST') return undefined;
  if (call.path === '/v1/payment_intents') return 'authorization';
  if (/^\/v1\/payment_intents\/[^/]+\/capture$/.test(call.path)) return 'capture';
  if (/^\/v1\/payment_intents\/[^/]+\/cancel$/.test(call.path)) return 'void';
  if (call.path === '/v1/refunds') return 'refund';
  if (call.path === '/v1/transfers') return 'payout';
  if (/^\/v1\/transfers\/[^/]+\/reversals$/.test(call.path)) return 'transfer_reversal';
  return undefined;
}

/** A call that moved money at the provider: answered, not from the idempotency cache, not an injected fault. */
export const isEffective = (call: ProviderCall) => !call.faulted && !call.replayed && call.status < 400;

const sortedKinds = (kinds: readonly string[]) => [...kinds].sort().join(',');

export async function checkInvariants(input: InvariantInput): Promise<InvariantResult[]> {
  const { bookings, states, bookingsDb, paymentsDb, providerCalls } = input;
  const results: InvariantResult[] = [];

  results.push(
    result(
      'every-booking-settled',
      'Every booking reached the state its scenario leads to (terminal, or confirmed and waiting for its stay)',
      bookings.length,
      bookings.flatMap((b) =>
        b.finalStatus === b.expected.status && !b.problem
          ? []
          : [
              `${b.booking.bookingId} (${b.booking.scenario}): expected ${b.expected.status}, is ${b.finalStatus}${b.problem ? `; driver: ${b.problem}` : ''}`,
            ],
      ),
    ),
  );

  results.push(
    result(
      'workflow-agrees-with-database',
      "Each booking workflow's state (its query) says what the bookings table says",
      bookings.length,
      bookings.flatMap((b) => {
        const state = states.get(b.booking.bookingId);
        if (!state) return [`${b.booking.bookingId}: the workflow did not answer its query`];
        if (b.finalStatus === 'refused') {
          return state.status === 'failed' && state.failure?.type === BookingFailureType.DATES_UNAVAILABLE
            ? []
            : [`${b.booking.bookingId}: refused by the API but its workflow is ${state.status}`];
        }
        if (state.status !== b.finalStatus)
          return [`${b.booking.bookingId}: row ${b.finalStatus}, workflow ${state.status}`];
        if (b.booking.scenario === 'card-declined' && state.failure?.type !== 'PaymentDeclined')
          return [
            `${b.booking.bookingId}: failed for ${state.failure?.type ?? 'no reason'}, not the declined card`,
          ];
        return [];
      }),
    ),
  );

  const overlapping = await sql<{ a: string; b: string; listing_id: string }>`
    SELECT a.id AS a, b.id AS b, a.listing_id FROM bookings a
    JOIN bookings b ON a.listing_id = b.listing_id AND a.id < b.id
      AND daterange(a.check_in, a.check_out, '[)') && daterange(b.check_in, b.check_out, '[)')
    WHERE a.status IN ('held', 'awaiting_approval', 'confirmed', 'completed')
      AND b.status IN ('held', 'awaiting_approval', 'confirmed', 'completed')`.execute(bookingsDb);
  const rowCount = await bookingsDb
    .selectFrom('bookings')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  results.push(
    result(
      'no-overlapping-stays',
      'No two active or completed bookings of a listing share a night (SQL over the bookings table)',
      Number(rowCount.count),
      overlapping.rows.map((row) => `${row.listing_id}: ${row.a} and ${row.b}`),
    ),
  );

  const pairs = new Map<number, SettledBooking[]>();
  for (const b of bookings.filter((b) => b.booking.scenario === 'overlap')) {
    pairs.set(b.booking.caseIndex, [...(pairs.get(b.booking.caseIndex) ?? []), b]);
  }
  results.push(
    result(
      'overlap-exactly-one-wins',
      'Of two guests racing for the same nights, exactly one booking is confirmed and the other refused',
      pairs.size,
      [...pairs.entries()].flatMap(([index, pair]) => {
        const confirmed = pair.filter((b) => b.finalStatus === 'confirmed').length;
        const refused = pair.filter((b) => b.finalStatus === 'refused').length;
        return confirmed === 1 && refused === 1
          ? []
          : [`case ${index}: ${pair.map((b) => b.finalStatus).join(' + ')}`];
      }),
    ),
  );

  const moneyCalls = providerCalls.flatMap((call) => {
    const movement = movementOf(call);
    const bookingId = call.idempotencyKey
      ? parsePaymentsWorkflowId(call.idempotencyKey)?.bookingId
      : undefined;
    return movement ? [{ call, movement, bookingId }] : [];
  });
  const effective = moneyCalls.filter(({ call }) => isEffective(call));
  const perKey = new Map<string, number>();
  for (const { call } of effective) {
    const key = call.idempotencyKey ?? '(no key)';
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  results.push(
    result(
      'provider-once-per-idempotency-key',
      'The provider carried out each money-moving call once, however often it was retried (counted at the fault proxy)',
      moneyCalls.length,
      [
        ...moneyCalls
          .filter(({ call }) => !call.idempotencyKey)
          .map(({ call }) => `${call.path}: no idempotency key`),
        ...[...perKey.entries()].filter(([, n]) => n > 1).map(([key, n]) => `${key}: carried out ${n} times`),
      ],
    ),
  );

  const perBookingMovement = new Map<string, number>();
  for (const { movement, bookingId } of effective) {
    const key = `${bookingId ?? '?'} ${movement}`;
    perBookingMovement.set(key, (perBookingMovement.get(key) ?? 0) + 1);
  }
  results.push(
    result(
      'no-double-capture-refund-or-payout',
      'No booking was authorized, captured, voided, refunded or paid out twice at the provider',
      bookings.length,
      [...perBookingMovement.entries()].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`),
    ),
  );

  const transactions = await paymentsDb
    .selectFrom('ledger_transactions')
    .select(['idempotency_key', 'kind', 'booking_id'])
    .execute();
  const providerKinds = new Set<LedgerTransactionKind>([
    'authorization',
    'capture',
    'void',
    'refund',
    'payout',
    'transfer_reversal',
  ]);
  const ledgerKeys = new Set(
    transactions.filter((t) => providerKinds.has(t.kind)).map((t) => t.idempotency_key),
  );
  const providerKeys = new Set(
    effective.flatMap(({ call }) => (call.idempotencyKey ? [call.idempotencyKey] : [])),
  );
  results.push(
    result(
      'provider-matches-ledger',
      'Every money movement the provider carried out has its ledger transaction (same idempotency key), and vice versa',
      ledgerKeys.size + providerKeys.size,
      [
        ...[...providerKeys]
          .filter((key) => !ledgerKeys.has(key))
          .map((key) => `${key}: at the provider, not in the ledger`),
        ...[...ledgerKeys]
          .filter((key) => !providerKeys.has(key))
          .map((key) => `${key}: in the ledger, not at the provider`),
      ],
    ),
  );

  const unbalanced = await sql<{ idempotency_key: string; currency: string; total: string }>`
    SELECT t.idempotency_key, e.currency, sum(e.amount)::text AS total
    FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
    GROUP BY t.id, e.currency HAVING sum(e.amount) <> 0`.execute(paymentsDb);
  const accounts = await sql<{ account: string; balance: string }>`
    SELECT account, sum(amount)::text AS balance FROM ledger_entries GROUP BY account`.execute(paymentsDb);
  const total = accounts.rows.reduce((sum, row) => sum + BigInt(row.balance), 0n);
  const holds = accounts.rows
    .filter(
      (row) =>
        row.account === LedgerAccount.CARD_HOLDS || row.account === LedgerAccount.CARD_HOLDS_OUTSTANDING,
    )
    .filter((row) => row.balance !== '0');
  results.push(
    result(
      'ledger-balances',
      'Every ledger transaction sums to zero to the kopeck, so do all accounts together, and no card hold is left open',
      transactions.length,
      [
        ...unbalanced.rows.map(
          (row) => `${row.idempotency_key}: entries sum to ${row.total} ${row.currency}`,
        ),
        ...(total === 0n ? [] : [`all accounts together: ${total}`]),
        ...holds.map((row) => `${row.account}: ${row.balance} left`),
      ],
    ),
  );

  const kindsByBooking = new Map<string, LedgerTransactionKind[]>();
  for (const t of transactions)
    kindsByBooking.set(t.booking_id, [...(kindsByBooking.get(t.booking_id) ?? []), t.kind]);
  results.push(
    result(
      'ledger-trail-per-booking',
      "Each booking's ledger has exactly the transactions its outcome needs, each once",
      bookings.length,
      bookings.flatMap((b) => {
        const actual = kindsByBooking.get(b.booking.bookingId) ?? [];
        return sortedKinds(actual) === sortedKinds(b.expected.ledger)
          ? []
          : [
              `${b.booking.bookingId} (${b.booking.scenario}, ${b.finalStatus}): [${actual.join(', ')}], expected [${b.expected.ledger.join(', ')}]`,
            ];
      }),
    ),
  );

  results.push(await bookingBalances(input, kindsByBooking));
  results.push(await noDeadlocks({ bookings: bookingsDb, payments: paymentsDb }));

  if (input.reconciliation) {
    const { reconciliation } = input;
    results.push({
      name: 'reconciliation-clean',
      description:
        'ReconciliationWorkflow over the run finds no difference between ledger, provider records and histories',
      ok: reconciliation.differences === 0,
      checked: 1,
      violations: reconciliation.differences,
      examples: reconciliation.examples,
    });
  }
  return results;
}

/**
 * Deadlocks do not lose data (Postgres aborts one side and the activity retries), but each costs a second
 * (`deadlock_timeout`) and a retry, and concurrent holds of one listing once deadlocked dozens of times a run.
 * Postgres counts them per database, across the run's restart (a fast shutdown keeps the counters).
 */
export async function noDeadlocks(
  databases: Record<string, Pick<Kysely<unknown>, 'getExecutor'>>,
): Promise<InvariantResult> {
  const counts = await Promise.all(
    Object.entries(databases).map(async ([name, db]) => {
      const { rows } = await sql<{ deadlocks: string }>`
        SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`.execute(db);
      return { name, deadlocks: Number(rows[0]?.deadlocks ?? 0) };
    }),
  );
  const violations = counts.reduce((sum, { deadlocks }) => sum + deadlocks, 0);
  return {
    name: 'no-deadlocks',
    description:
      "Postgres detected no deadlock in the run's bookings and payments databases (pg_stat_database)",
    ok: violations === 0,
    checked: counts.length,
    violations,
    examples: counts
      .filter(({ deadlocks }) => deadlocks > 0)
      .map(({ name, deadlocks }) => `${name}: ${deadlocks}`),
  };
}

/**
 * Per booking and account, the ledger's balance against what it must be from sources outside the ledger: the
 * booking row's total, the workflow's refund and host payout. To the kopeck.
 */
async function bookingBalances(
  { bookings, states, paymentsDb, bookingsDb }: InvariantInput,
  kindsByBooking: Map<string, LedgerTransactionKind[]>,
): Promise<InvariantResult> {
  const balances = await sql<{ booking_id: string; account: string; balance: string }>`
    SELECT t.booking_id, e.account, sum(e.amount)::text AS balance
    FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
    GROUP BY t.booking_id, e.account`.execute(paymentsDb);
  const byBooking = new Map<string, Map<string, number>>();
  for (const row of balances.rows) {
    const accounts = byBooking.get(row.booking_id) ?? new Map<string, number>();
    accounts.set(row.account, Number(row.balance));
    byBooking.set(row.booking_id, accounts);
  }
  const rows = await bookingsDb.selectFrom('bookings').select(['id', 'total_kopecks']).execute();
  const totals = new Map(rows.map((row) => [row.id, Number(row.total_kopecks)]));

  const problems: string[] = [];
  for (const b of bookings) {
    const id = b.booking.bookingId;
    const kinds = kindsByBooking.get(id) ?? [];
    const state = states.get(id);
    const total = totals.get(id) ?? 0;
    if (state?.quote && totals.has(id) && state.quote.total.amount !== total) {
      problems.push(`${id}: row total ${total}, workflow quote ${state.quote.total.amount}`);
    }
    const captured = kinds.includes('capture') ? total : 0;
    const refunded = kinds.includes('refund') ? (state?.refund?.total.amount ?? Number.NaN) : 0;
    const hostPayout = state?.quote?.hostPayout.amount ?? Number.NaN;
    const earned = kinds.includes('earning') ? captured - refunded : 0;
    const hostShare = kinds.includes('earning') ? hostPayout : 0;
    const paidOut = kinds.includes('payout') ? hostPayout : 0;
    const expected: Record<string, number> = {
      [LedgerAccount.CARD_HOLDS]: 0,
      [LedgerAccount.CARD_HOLDS_OUTSTANDING]: 0,
      [LedgerAccount.PROVIDER_RECEIVABLE]: captured - refunded - paidOut,
      [LedgerAccount.GUEST_PREPAYMENTS]: -(captured - refunded - earned),
      [LedgerAccount.HOST_PAYABLE]: -(hostShare - paidOut),
      [LedgerAccount.HOST_RECEIVABLE]: 0,
      [LedgerAccount.PLATFORM_REVENUE]: -(earned - hostShare),
    };
    const actual = byBooking.get(id) ?? new Map<string, number>();
    for (const [account, amount] of Object.entries(expected)) {
      const balance = actual.get(account) ?? 0;
      // `+ 0` folds -0 into 0.
      if (balance !== amount + 0) problems.push(`${id} ${account}: ${balance}, expected ${amount}`);
    }
  }
  return result(
    'booking-balances-to-the-kopeck',
    "Each booking's account balances equal what its row total, its refund and its host payout say they must be",
    bookings.length,
    problems,
  );
}
