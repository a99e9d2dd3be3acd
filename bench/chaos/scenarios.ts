import { randomUUID } from 'node:crypto';
import type { LedgerTransactionKind } from '@kvartirnsk/activities/payments/schema';
import type { ListingSnapshot } from '@kvartirnsk/api-bookings/listing-replica';
import type { CancellationPolicy } from '@kvartirnsk/workflows/bookings/cancellation-policy';
import type { BookingStatus } from '@kvartirnsk/workflows/bookings/contract';
import type { SeededRandom } from './random';

/**
 * What a chaos run asks of the marketplace, one scenario per case: each case gets a listing of its own (so
 * bookings never collide by accident), except `overlap`, whose two bookings race for the same nights on purpose.
 */
export const SCENARIOS = [
  /** Instant Book, a stay that began yesterday: captured, paid out to the host, completed within a minute. */
  'instant-stay',
  /** Instant Book months ahead: captured and confirmed, asleep until check-out. */
  'instant-future',
  'request-approved',
  'request-declined',
  /** The host never answers: the approval window runs out and the hold is voided. */
  'request-expired',
  /** Confirmed, then cancelled by the guest: refunded by the listing's policy, payout adjusted. */
  'guest-cancel-confirmed',
  /** Cancelled by the guest while the host has not answered yet: the hold is voided. */
  'guest-cancel-request',
  /** Stripe's always-declining test card: the booking fails and frees its dates. */
  'card-declined',
  /** Two guests book overlapping nights at once: the exclusion constraint lets exactly one in. */
  'overlap',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Share of the run's bookings per scenario. */
const MIX: Record<Scenario, number> = {
  'instant-stay': 0.2,
  'instant-future': 0.13,
  'request-approved': 0.15,
  'request-declined': 0.1,
  'request-expired': 0.08,
  'guest-cancel-confirmed': 0.15,
  'guest-cancel-request': 0.06,
  'card-declined': 0.05,
  overlap: 0.08,
};

const DAY_MS = 86_400_000;
const HOSTS = 10;
const GUESTS = 25;
const DECLINING_CARD = 'pm_card_chargeDeclined';

export interface PlannedBooking {
  bookingId: string;
  caseIndex: number;
  scenario: Scenario;
  guestId: string;
  /** Days from today (UTC) to check-in; absent for a stay, whose dates are set when it is booked. */
  checkInInDays?: number;
  nights: number;
  paymentMethod?: string;
}

export interface PlannedCase {
  index: number;
  scenario: Scenario;
  listingId: string;
  hostId: string;
  instantBook: boolean;
  policy: CancellationPolicy;
  nightlyPrice: number;
  weekendPrice: number | null;
  cleaningFee: number;
  bookings: PlannedBooking[];
}

/** A stay whose payout (a day after check-in) and check-out both fall on `payAt`, in the listing's zone (UTC). */
export interface StayDates {
  checkIn: string;
  checkOut: string;
  checkInTime: string;
  checkOutTime: string;
}

const isoDate = (instant: Date) => instant.toISOString().slice(0, 10);
const clock = (instant: Date) => instant.toISOString().slice(11, 16);

/**
 * Check-in yesterday and check-out today, a minute-aligned instant `leadMs` or a little more from now: the
 * booking flow pays the host 24 hours after check-in, so payout and check-out happen during the run, with no
 * change to the workflow (listing times have minute precision, hence the rounding).
 */
export function stayEndingSoon(now: number, leadMs: number): StayDates & { payAt: Date } {
  const payAt = new Date(Math.ceil((now + leadMs) / 60_000) * 60_000);
  const checkInAt = new Date(payAt.getTime() - DAY_MS);
  return {
    payAt,
    checkIn: isoDate(checkInAt),
    checkInTime: clock(checkInAt),
    checkOut: isoDate(payAt),
    checkOutTime: clock(payAt),
  };
}

export function futureDates(booking: PlannedBooking, now: number): { checkIn: string; checkOut: string } {
  const checkIn = Date.parse(`${isoDate(new Date(now))}T00:00:00Z`) + (booking.checkInInDays ?? 0) * DAY_MS;
  return {
    checkIn: isoDate(new Date(checkIn)),
    checkOut: isoDate(new Date(checkIn + booking.nights * DAY_MS)),
  };
}

/** The listing event the listings service would publish for this case's listing. */
export function listingSnapshot(plannedCase: PlannedCase, stay?: StayDates): ListingSnapshot {
  return {
    listingId: plannedCase.listingId,
    hostId: plannedCase.hostId,
    title: `Хаос-тест ${plannedCase.index}`,
    currency: 'RUB',
    nightlyPrice: plannedCase.nightlyPrice,
    weekendPrice: plannedCase.weekendPrice,
    cleaningFee: plannedCase.cleaningFee,
    maxGuests: 4,
    minNights: 1,
    maxNights: 14,
    instantBook: plannedCase.instantBook,
    cancellationPolicy: plannedCase.policy,
    ...(stay
      ? { timeZone: 'UTC', checkInTime: stay.checkInTime, checkOutTime: stay.checkOutTime }
      : { timeZone: 'Europe/Moscow' }),
  };
}

/** How many bookings of each scenario make up `total`: the mix rounded down, overlaps in pairs, the rest stays. */
function scenarioCounts(total: number): Record<Scenario, number> {
  const counts = Object.fromEntries(
    SCENARIOS.map((scenario) => [scenario, Math.max(1, Math.floor(MIX[scenario] * total))]),
  ) as Record<Scenario, number>;
  counts.overlap = Math.max(2, counts.overlap - (counts.overlap % 2));
  const planned = SCENARIOS.reduce((sum, scenario) => sum + counts[scenario], 0);
  counts['instant-stay'] = Math.max(1, counts['instant-stay'] + total - planned);
  return counts;
}

/** Cancellations at different distances from check-in under each policy, so full and partial refunds both occur. */
const CANCELLATION_CASES: Array<{
  policy: CancellationPolicy;
  checkInInDays: [number, number];
  nights: number;
}> = [
  { policy: 'flexible', checkInInDays: [10, 90], nights: 2 },
  { policy: 'moderate', checkInInDays: [2, 3], nights: 3 },
  { policy: 'moderate', checkInInDays: [10, 60], nights: 2 },
  { policy: 'firm', checkInInDays: [20, 60], nights: 3 },
  { policy: 'strict', checkInInDays: [8, 12], nights: 2 },
  { policy: 'strict', checkInInDays: [15, 60], nights: 4 },
];

/** The run's cases in a shuffled order, seeded, each with its listing and bookings. */
export function planCases(total: number, runId: string, random: SeededRandom): PlannedCase[] {
  const counts = scenarioCounts(total);
  const order = random.shuffle(
    SCENARIOS.flatMap((scenario) =>
      Array.from(
        { length: scenario === 'overlap' ? counts[scenario] / 2 : counts[scenario] },
        () => scenario,
      ),
    ),
  );
  return order.map((scenario, index) => {
    const instantBook = !scenario.startsWith('request-') && scenario !== 'guest-cancel-request';
    const cancellation = scenario === 'guest-cancel-confirmed' ? random.pick(CANCELLATION_CASES) : undefined;
    const policy = cancellation?.policy ?? random.pick(['flexible', 'moderate', 'firm', 'strict'] as const);
    // Kopecks that are not whole roubles, so every fee and refund split has something to round.
    const nightlyPrice = random.int(2_000, 9_000) * 100 + random.int(1, 99);
    const booking = (nights: number, checkInInDays?: number): PlannedBooking => ({
      bookingId: randomUUID(),
      caseIndex: index,
      scenario,
      guestId: `chaos-guest-${random.int(1, GUESTS)}`,
      nights,
      ...(checkInInDays === undefined ? {} : { checkInInDays }),
      ...(scenario === 'card-declined' ? { paymentMethod: DECLINING_CARD } : {}),
    });
    let bookings: PlannedBooking[];
    if (scenario === 'instant-stay') bookings = [booking(1)];
    else if (scenario === 'overlap') {
      const first = random.int(20, 300);
      const nights = random.int(2, 4);
      // The second stay starts a night later, so the two share all but one night.
      bookings = [booking(nights, first), booking(nights, first + 1)];
    } else if (cancellation) {
      bookings = [booking(cancellation.nights, random.int(...cancellation.checkInInDays))];
    } else bookings = [booking(random.int(1, 5), random.int(20, 300))];
    return {
      index,
      scenario,
      listingId: `chaos-${runId}-${index}`,
      hostId: `chaos-host-${random.int(1, HOSTS)}`,
      instantBook,
      policy,
      nightlyPrice,
      weekendPrice: random.next() < 0.5 ? null : nightlyPrice + random.int(500, 2_000) * 100,
      cleaningFee: random.int(0, 3) === 0 ? 0 : random.int(500, 2_000) * 100,
      bookings,
    };
  });
}

/** How a booking should end up, once the driver has done its part. `refused`: turned away, no booking row. */
export interface Expectation {
  status: BookingStatus | 'refused';
  /** The ledger transactions of the booking, each exactly once. */
  ledger: LedgerTransactionKind[];
}

const VOIDED: LedgerTransactionKind[] = ['authorization', 'void'];
const CAPTURED: LedgerTransactionKind[] = ['authorization', 'capture'];

export function expectationFor(scenario: Scenario, outcome: DriverOutcome): Expectation {
  // A host's answer or guest's cancellation the approval window had already overtaken: the request expired.
  if (outcome === 'expired-first') return { status: 'expired', ledger: VOIDED };
  if (outcome === 'refused') return { status: 'refused', ledger: [] };
  switch (scenario) {
    case 'instant-stay':
      return { status: 'completed', ledger: [...CAPTURED, 'earning', 'payout'] };
    case 'instant-future':
    case 'request-approved':
    case 'overlap':
      return { status: 'confirmed', ledger: CAPTURED };
    case 'request-declined':
      return { status: 'declined', ledger: VOIDED };
    case 'request-expired':
      return { status: 'expired', ledger: VOIDED };
    case 'guest-cancel-confirmed':
      return { status: 'cancelled', ledger: [...CAPTURED, 'refund'] };
    case 'guest-cancel-request':
      return { status: 'cancelled', ledger: VOIDED };
    case 'card-declined':
      return { status: 'failed', ledger: [] };
  }
}

/** What the driver saw happen to a booking: as planned, or one of the outcomes that change what to expect. */
export type DriverOutcome = 'as-planned' | 'expired-first' | 'refused';
