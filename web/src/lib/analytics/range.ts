import { addDays } from '../format.ts';

// Pure: e2e/charts.test.ts runs it.

/** Days shown when the reader has not chosen: the last 30, today included. */
export const DEFAULT_RANGE_DAYS = 30;

/** Today in Moscow, the time zone the analytics service counts days in. */
export function moscowToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(now);
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The range asked for in `?from=&to=`, or the last 30 days. Only the shape is checked here; the analytics
 * service judges the range itself (order, length), and its answer is shown on the form.
 */
export function rangeFrom(params: URLSearchParams, today: string): { from: string; to: string } {
  const to = params.get('to') ?? '';
  const from = params.get('from') ?? '';
  const chosenTo = isoDate.test(to) ? to : today;
  return { from: isoDate.test(from) ? from : addDays(chosenTo, -(DEFAULT_RANGE_DAYS - 1)), to: chosenTo };
}
