import { z } from 'zod';

const DAY_MS = 86_400_000;

/** A calendar date without time or zone (YYYY-MM-DD), as stays are booked by night. */
export const isoDateSchema = z.iso.date({ error: 'must be a date in YYYY-MM-DD form' });

/** Whole nights between two calendar dates; date-only ISO strings parse as UTC midnight, so no zone skews it. */
export function nightsBetween(checkIn: string, checkOut: string): number {
  return Math.round((Date.parse(checkOut) - Date.parse(checkIn)) / DAY_MS);
}

/** Each night of a stay as the date it starts on, check-in included, check-out excluded. */
export function nightsOf(checkIn: string, checkOut: string): string[] {
  const start = Date.parse(checkIn);
  return Array.from({ length: nightsBetween(checkIn, checkOut) }, (_, i) =>
    new Date(start + i * DAY_MS).toISOString().slice(0, 10),
  );
}

/** Friday and Saturday nights are the weekend nights that hosts price differently. */
export function isWeekendNight(date: string): boolean {
  const day = new Date(Date.parse(date)).getUTCDay();
  return day === 5 || day === 6;
}
