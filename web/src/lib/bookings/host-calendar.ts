import { addDays, nightsOf } from '../format.ts';
import type { BookingStatus, BookingSummary } from './types.ts';

// Pure helpers for the host's listing calendar: no SvelteKit imports, so e2e/host-calendar.test.ts runs them.

/** Statuses whose dates are taken: held for a request, waiting for the host, or booked. */
export const OCCUPYING_STATUSES: readonly BookingStatus[] = [
  'requested',
  'held',
  'authorized',
  'awaiting_approval',
  'confirmed',
  'completed',
];

export interface BookedStay {
  bookingId: string;
  checkIn: string;
  checkOut: string;
  nights: number;
  guests: number;
  status: BookingStatus;
  /** The guest's display name ("Анна П."), or a short booking reference when the users service did not say. */
  guest: string;
  /** Where the host acts on it: the requests page while it waits for an answer, the booking otherwise. */
  href: string;
}

/**
 * The stays at one listing that hold its nights from `today` on (a stay checking out today no longer holds a
 * night), earliest first.
 */
export function bookedStays(
  bookings: readonly BookingSummary[],
  listingId: string,
  today: string,
  guestNames: ReadonlyMap<string, string> = new Map(),
): BookedStay[] {
  return bookings
    .filter((b) => b.listingId === listingId && OCCUPYING_STATUSES.includes(b.status) && b.checkOut > today)
    .sort((a, b) => a.checkIn.localeCompare(b.checkIn) || a.bookingId.localeCompare(b.bookingId))
    .map((b) => ({
      bookingId: b.bookingId,
      checkIn: b.checkIn,
      checkOut: b.checkOut,
      nights: nightsOf(b.checkIn, b.checkOut).length,
      guests: b.guests,
      status: b.status,
      guest: guestNames.get(b.guestId) ?? `#${b.bookingId.slice(0, 8)}`,
      href:
        b.status === 'awaiting_approval'
          ? `/host/requests#booking-${b.bookingId}`
          : `/trips/${encodeURIComponent(b.bookingId)}`,
    }));
}

export type NightState = 'blocked' | 'booked' | 'pending';

/**
 * What each night from `from` (included) to `to` (excluded) is: closed by the host, booked, or held for a
 * request that is not confirmed yet. Free nights are absent.
 */
export function nightStates(
  stays: readonly Pick<BookedStay, 'checkIn' | 'checkOut' | 'status'>[],
  blocks: readonly { from: string; to: string }[],
  from: string,
  to: string,
): Map<string, NightState> {
  const states = new Map<string, NightState>();
  const inRange = (night: string) => night >= from && night < to;
  for (const block of blocks)
    for (const night of nightsOf(block.from, block.to)) if (inRange(night)) states.set(night, 'blocked');
  for (const stay of stays) {
    const state = stay.status === 'confirmed' || stay.status === 'completed' ? 'booked' : 'pending';
    for (const night of nightsOf(stay.checkIn, stay.checkOut)) if (inRange(night)) states.set(night, state);
  }
  return states;
}

export interface CalendarMonth {
  /** YYYY-MM-01 */
  first: string;
  /** Leading empty cells so the first day falls on its weekday, weeks starting on Monday. */
  offset: number;
  days: string[];
}

/** `count` calendar months starting with the month of `today`. */
export function monthsFrom(today: string, count: number): CalendarMonth[] {
  const months: CalendarMonth[] = [];
  let first = `${today.slice(0, 7)}-01`;
  for (let i = 0; i < count; i++) {
    const days: string[] = [];
    for (let day = first; day.slice(0, 7) === first.slice(0, 7); day = addDays(day, 1)) days.push(day);
    const weekday = new Date(`${first}T00:00:00Z`).getUTCDay();
    months.push({ first, offset: (weekday + 6) % 7, days });
    first = addDays(days.at(-1)!, 1);
  }
  return months;
}
