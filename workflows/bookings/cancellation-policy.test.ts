import { money } from '@kvartirnsk/lib/money';
import {
  type CancellationPolicy,
  CANCELLATION_POLICIES,
  computeRefund,
  type RefundInput,
} from './cancellation-policy';

// Three nights of 100 ₽ from 2027-06-10 15:00 Moscow time (12:00 UTC), 50 ₽ cleaning, 42 ₽ service fee:
// the guest paid 392 ₽ = 39 200 kopecks.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHECK_IN = Date.parse('2027-06-10T12:00:00.000Z');
const PAID = 39_200;

function refundFor(
  policy: CancellationPolicy,
  cancelledBeforeCheckIn: number,
  overrides: Partial<RefundInput> & { bookedBeforeCancelling?: number } = {},
) {
  const cancelledAt = CHECK_IN - cancelledBeforeCheckIn;
  const { bookedBeforeCancelling = 60 * DAY, ...rest } = overrides;
  return computeRefund({
    policy,
    checkInAt: new Date(CHECK_IN).toISOString(),
    nightlyPrices: [money(10_000), money(10_000), money(10_000)],
    cleaningFee: money(5_000),
    serviceFee: money(4_200),
    bookedAt: new Date(cancelledAt - bookedBeforeCancelling).toISOString(),
    cancelledAt: new Date(cancelledAt).toISOString(),
    cancelledBy: 'guest',
    ...rest,
  });
}

const lines = (refund: ReturnType<typeof computeRefund>) => [
  refund.nights.amount,
  refund.cleaningFee.amount,
  refund.serviceFee.amount,
  refund.total.amount,
];

describe.each<
  [CancellationPolicy, string, number, Partial<RefundInput> & { bookedBeforeCancelling?: number }, number[]]
>([
  // policy, case, cancelled this long before check-in (negative: after), overrides, [nights, cleaning, service, total]
  ['flexible', 'exactly 24 h before: full', DAY, {}, [30_000, 5_000, 4_200, PAID]],
  ['flexible', 'just under 24 h: next night kept', DAY - 1, {}, [20_000, 5_000, 2_800, 27_800]],
  ['flexible', 'an hour into the stay: next night kept, no cleaning', -HOUR, {}, [10_000, 0, 1_400, 11_400]],
  ['flexible', 'on the last night: nothing left to refund', -2 * DAY - HOUR, {}, [0, 0, 0, 0]],
  ['moderate', 'exactly 5 days before: full', 5 * DAY, {}, [30_000, 5_000, 4_200, PAID]],
  [
    'moderate',
    'just under 5 days: 50 % after the first night',
    5 * DAY - 1,
    {},
    [10_000, 5_000, 1_400, 16_400],
  ],
  ['moderate', 'an hour into the stay', -HOUR, {}, [5_000, 0, 700, 5_700]],
  ['firm', 'exactly 30 days before: full', 30 * DAY, {}, [30_000, 5_000, 4_200, PAID]],
  ['firm', 'just under 30 days: 50 %', 30 * DAY - 1, {}, [15_000, 5_000, 2_100, 22_100]],
  ['firm', 'exactly 7 days before: 50 %', 7 * DAY, {}, [15_000, 5_000, 2_100, 22_100]],
  ['firm', 'just under 7 days: no nights', 7 * DAY - 1, {}, [0, 5_000, 0, 5_000]],
  ['firm', 'after check-in: nothing', -HOUR, {}, [0, 0, 0, 0]],
  [
    'firm',
    'within 48 h of booking, 14 days out: full',
    14 * DAY,
    { bookedBeforeCancelling: 48 * HOUR },
    [30_000, 5_000, 4_200, PAID],
  ],
  [
    'firm',
    '48 h and 1 ms after booking: no grace',
    14 * DAY,
    { bookedBeforeCancelling: 48 * HOUR + 1 },
    [15_000, 5_000, 2_100, 22_100],
  ],
  [
    'firm',
    'within 48 h but under 14 days out: no grace',
    14 * DAY - 1,
    { bookedBeforeCancelling: HOUR },
    [15_000, 5_000, 2_100, 22_100],
  ],
  [
    'strict',
    'within 48 h of booking, 20 days out: full',
    20 * DAY,
    { bookedBeforeCancelling: HOUR },
    [30_000, 5_000, 4_200, PAID],
  ],
  ['strict', 'no grace, 20 days out: 50 %', 20 * DAY, {}, [15_000, 5_000, 2_100, 22_100]],
  ['strict', 'exactly 7 days before: 50 %', 7 * DAY, {}, [15_000, 5_000, 2_100, 22_100]],
  ['strict', 'just under 7 days: no nights', 7 * DAY - 1, {}, [0, 5_000, 0, 5_000]],
  [
    'strict',
    'host cancels an hour before: full',
    HOUR,
    { cancelledBy: 'host' },
    [30_000, 5_000, 4_200, PAID],
  ],
  [
    'strict',
    'admin cancels during the stay: full',
    -HOUR,
    { cancelledBy: 'admin' },
    [30_000, 5_000, 4_200, PAID],
  ],
])('%s', (policy, name, before, overrides, expected) => {
  it(name, () => {
    expect(lines(refundFor(policy, before, overrides))).toEqual(expected);
  });
});

it('never refunds more than was paid, nor a negative amount, at any moment for any policy', () => {
  for (const policy of CANCELLATION_POLICIES) {
    for (let before = 40 * DAY; before >= -4 * DAY; before -= 7 * HOUR + 13) {
      const refund = refundFor(policy, before);
      expect(refund.total.amount).toBeGreaterThanOrEqual(0);
      expect(refund.total.amount).toBeLessThanOrEqual(PAID);
      expect(refund.total.amount).toBe(
        refund.nights.amount + refund.cleaningFee.amount + refund.serviceFee.amount,
      );
    }
  }
});

it('rounds odd shares half away from zero to the kopeck', () => {
  const refund = computeRefund({
    policy: 'moderate',
    checkInAt: new Date(CHECK_IN).toISOString(),
    nightlyPrices: [money(10_001), money(10_001), money(10_001)],
    cleaningFee: money(0),
    serviceFee: money(1_001),
    bookedAt: '2027-01-01T00:00:00.000Z',
    cancelledAt: new Date(CHECK_IN - DAY).toISOString(),
    cancelledBy: 'guest',
  });
  expect(refund.nights.amount).toBe(10_001); // 50 % of 20 002
  expect(refund.serviceFee.amount).toBe(334); // 1 001 × 10 001 / 30 003 = 333.67
});
