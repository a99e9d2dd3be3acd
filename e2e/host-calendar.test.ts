import { bookedStays, monthsFrom, nightStates } from '../web/src/lib/bookings/host-calendar';
import type { BookingStatus, BookingSummary } from '../web/src/lib/bookings/types';

const LISTING = 'listing-1';

function booking(
  id: string,
  checkIn: string,
  checkOut: string,
  status: BookingStatus,
  extra: Partial<BookingSummary> = {},
): BookingSummary {
  return {
    bookingId: `${id}0000000-0000-4000-8000-000000000000`.slice(0, 36),
    listingId: LISTING,
    guestId: `guest-${id}`,
    hostId: 'host-1',
    checkIn,
    checkOut,
    guests: 2,
    status,
    total: { amount: 1_000_000, currency: 'RUB' },
    createdAt: '2026-11-01T10:00:00.000Z',
    ...extra,
  };
}

describe('the host calendar', () => {
  const today = '2026-11-25';

  it('lists the stays that hold nights from today on, earliest first, with where to act on each', () => {
    const stays = bookedStays(
      [
        booking('c', '2026-12-10', '2026-12-12', 'confirmed'),
        booking('a', '2026-11-30', '2026-12-02', 'awaiting_approval'),
        booking('p', '2026-11-20', '2026-11-25', 'completed'),
        booking('n', '2026-11-24', '2026-11-26', 'completed'),
        booking('x', '2026-12-01', '2026-12-03', 'cancelled'),
        booking('o', '2026-12-01', '2026-12-03', 'confirmed', { listingId: 'another' }),
      ],
      LISTING,
      today,
      new Map([['guest-c', 'Анна П.']]),
    );
    expect(stays.map((s) => [s.checkIn, s.status, s.nights])).toEqual([
      ['2026-11-24', 'completed', 2],
      ['2026-11-30', 'awaiting_approval', 2],
      ['2026-12-10', 'confirmed', 2],
    ]);
    expect(stays[1]!.href).toBe(`/host/requests#booking-${stays[1]!.bookingId}`);
    expect(stays[2]!.href).toBe(`/trips/${stays[2]!.bookingId}`);
    expect(stays[2]!.guest).toBe('Анна П.');
    expect(stays[1]!.guest).toBe(`#${stays[1]!.bookingId.slice(0, 8)}`);
  });

  it('marks each night in range as closed, booked or pending, a booking winning over a block', () => {
    const states = nightStates(
      [
        { checkIn: '2026-11-30', checkOut: '2026-12-02', status: 'awaiting_approval' },
        { checkIn: '2026-12-05', checkOut: '2026-12-06', status: 'confirmed' },
      ],
      [{ from: '2026-12-01', to: '2026-12-04' }],
      '2026-11-01',
      '2026-12-05',
    );
    expect(Object.fromEntries(states)).toEqual({
      '2026-11-30': 'pending',
      '2026-12-01': 'pending',
      '2026-12-02': 'blocked',
      '2026-12-03': 'blocked',
    });
  });

  it('lays months out in weeks starting on Monday', () => {
    const [november, december] = monthsFrom(today, 2);
    expect(november).toMatchObject({ first: '2026-11-01', offset: 6 });
    expect(november!.days).toHaveLength(30);
    expect(december).toMatchObject({ first: '2026-12-01', offset: 1 });
    expect(december!.days.at(-1)).toBe('2026-12-31');
  });
});
