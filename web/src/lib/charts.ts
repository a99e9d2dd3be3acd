// Pure helpers for the SVG charts: no SvelteKit imports, so e2e/charts.test.ts runs them.

/** Round tops for an axis, times a power of ten; each halves to a round middle line too. */
const NICE_STEPS = [1, 1.5, 2, 3, 4, 5, 6, 8, 10];

/** A round top for an axis, at least the largest value (1 when all are 0). */
export function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return NICE_STEPS.find((step) => step * power >= max * (1 - 1e-12))! * power;
}

/** Which of `length` points get a label on the x axis: the first, the last and evenly between, at most `most`. */
export function labelIndexes(length: number, most: number): number[] {
  if (length <= 0) return [];
  if (length <= most) return Array.from({ length }, (_, i) => i);
  const gaps = Math.max(1, most - 1);
  return [...new Set(Array.from({ length: gaps + 1 }, (_, i) => Math.round((i * (length - 1)) / gaps)))];
}

/** Every day from `from` to `to`, both included, with the value the report gives it (0 where it has none). */
export function everyDay<T extends { date: string }>(
  from: string,
  to: string,
  days: readonly T[],
  value: (day: T) => number,
): { date: string; value: number }[] {
  const byDate = new Map(days.map((day) => [day.date, value(day)]));
  const all: { date: string; value: number }[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) {
    const date = new Date(ms).toISOString().slice(0, 10);
    all.push({ date, value: byDate.get(date) ?? 0 });
  }
  return all;
}
