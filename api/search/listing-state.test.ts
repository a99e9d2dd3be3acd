import { LISTING_EVENTS } from '@kvartirnsk/lib/listing-events';
import { emptyState, type ListingState, mergeStates, stateFromEvent, toDocument } from './listing-state';
import { eventAt, publishedListing } from './test-support';

const ID = 'listing-1';
const fold = (events: Parameters<typeof stateFromEvent>[0][]): ListingState =>
  events.reduce((state, event) => mergeStates(state, stateFromEvent(event)!), emptyState(ID));

const published = (revision: number, at: string, nightlyPrice = 500_000) =>
  eventAt(LISTING_EVENTS.published, publishedListing({ listingId: ID, revision, nightlyPrice }), at);
const unpublished = (at: string) =>
  eventAt(LISTING_EVENTS.unpublished, { listingId: ID, reason: 'archived' }, at);
const stay = { bookingId: 'b-1', listingId: ID, checkIn: '2027-03-01', checkOut: '2027-03-04' };
const confirmed = eventAt('booking.confirmed', stay, '2026-11-02T10:00:00Z');
const cancelled = eventAt('booking.cancelled', { ...stay, reason: 'guest' }, '2026-11-03T10:00:00Z');
const rating = (average: number, count: number, at: string) =>
  eventAt(LISTING_EVENTS.ratingUpdated, { listingId: ID, hostId: 'host-1', average, count }, at);

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('merging listing events', () => {
  const history = [
    published(1, '2026-11-01T10:00:00Z', 400_000),
    published(2, '2026-11-01T11:00:00Z', 450_000),
    rating(4.5, 2, '2026-11-01T12:00:00Z'),
    rating(4.0, 3, '2026-11-01T13:00:00Z'),
    confirmed,
    cancelled,
    eventAt(
      'booking.confirmed',
      { ...stay, bookingId: 'b-2', checkIn: '2027-04-01', checkOut: '2027-04-03' },
      '2026-11-04T10:00:00Z',
    ),
  ];

  it('ends in the same state whatever order the events arrive in', () => {
    const inOrder = fold(history);
    for (const order of permutations(history)) expect(fold(order)).toEqual(inOrder);
    expect(inOrder.listing?.nightlyPrice).toBe(450_000);
    expect(inOrder.rating).toMatchObject({ average: 4.0, count: 3 });
    expect(inOrder.stays).toEqual([
      { bookingId: 'b-1', checkIn: '2027-03-01', checkOut: '2027-03-04', released: true },
      { bookingId: 'b-2', checkIn: '2027-04-01', checkOut: '2027-04-03', released: false },
    ]);
  });

  it('changes nothing when an event is delivered again', () => {
    const once = fold(history);
    expect(fold([...history, ...history])).toEqual(once);
  });

  it('keeps an older revision from overwriting a newer one', () => {
    const state = fold([
      published(3, '2026-11-01T12:00:00Z', 700_000),
      published(2, '2026-11-01T11:00:00Z', 450_000),
    ]);
    expect(state.listing).toMatchObject({ revision: 3, nightlyPrice: 700_000 });
  });

  it('hides a listing unpublished after its snapshot, and shows it again once republished', () => {
    const hidden = fold([published(1, '2026-11-01T10:00:00Z'), unpublished('2026-11-02T10:00:00Z')]);
    expect(toDocument(hidden, new Date()).visible).toBe(false);
    // The old snapshot redelivered after the unpublish does not bring it back.
    expect(
      toDocument(mergeStates(hidden, stateFromEvent(published(1, '2026-11-01T10:00:00Z'))!), new Date())
        .visible,
    ).toBe(false);
    const republished = mergeStates(hidden, stateFromEvent(published(2, '2026-11-03T10:00:00Z'))!);
    expect(toDocument(republished, new Date()).visible).toBe(true);
  });

  it('compares event times across time zones', () => {
    const state = fold([published(1, '2026-11-02T12:00:00+03:00'), unpublished('2026-11-02T10:00:00Z')]);
    expect(toDocument(state, new Date()).visible).toBe(false);
  });

  it('makes booked stays and calendar blocks unavailable, released stays not', () => {
    const listing = publishedListing({
      listingId: ID,
      calendarBlocks: [{ from: '2027-05-01', to: '2027-05-10' }],
    });
    const state = fold([
      eventAt(LISTING_EVENTS.updated, listing, '2026-11-01T10:00:00Z'),
      confirmed,
      cancelled,
    ]);
    const withSecond = mergeStates(
      state,
      stateFromEvent(eventAt('booking.confirmed', { ...stay, bookingId: 'b-3' }, '2026-11-05T10:00:00Z'))!,
    );
    expect(toDocument(withSecond, new Date()).unavailable).toEqual([
      { gte: '2027-05-01', lt: '2027-05-10' },
      { gte: '2027-03-01', lt: '2027-03-04' },
    ]);
  });

  it('holds a stay for a listing not published yet, invisible until it is', () => {
    const stub = fold([confirmed]);
    expect(toDocument(stub, new Date())).toMatchObject({
      visible: false,
      unavailable: [{ gte: '2027-03-01', lt: '2027-03-04' }],
    });
    const complete = mergeStates(stub, stateFromEvent(published(1, '2026-11-01T10:00:00Z'))!);
    expect(toDocument(complete, new Date())).toMatchObject({
      visible: true,
      unavailable: [{ gte: '2027-03-01', lt: '2027-03-04' }],
    });
  });

  it('ignores event types the index does not follow and rejects malformed data', () => {
    expect(
      stateFromEvent(eventAt('payment.captured', { bookingId: 'b-1' }, '2026-11-01T10:00:00Z')),
    ).toBeUndefined();
    expect(() =>
      stateFromEvent(
        eventAt('booking.confirmed', { bookingId: 'b-1', listingId: ID }, '2026-11-01T10:00:00Z'),
      ),
    ).toThrow();
  });
});
