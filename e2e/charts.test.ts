import { moscowToday, rangeFrom } from '../web/src/lib/analytics/range';
import { everyDay, labelIndexes, niceCeiling } from '../web/src/lib/charts';
import { formatMonth, formatPercent, formatRubAxis, weekdayNames } from '../web/src/lib/format';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('chart axes', () => {
  it('rounds the top of an axis up to a number that halves roundly', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(1)).toBe(1);
    expect(niceCeiling(3)).toBe(3);
    expect(niceCeiling(7)).toBe(8);
    expect(niceCeiling(12)).toBe(15);
    expect(niceCeiling(5_500_000)).toBe(6_000_000);
    expect(niceCeiling(0.3)).toBeCloseTo(0.3);
  });

  it('labels the first and last day and evenly between', () => {
    expect(labelIndexes(0, 5)).toEqual([]);
    expect(labelIndexes(3, 5)).toEqual([0, 1, 2]);
    expect(labelIndexes(30, 5)).toEqual([0, 7, 15, 22, 29]);
  });

  it('gives every day of the range a value, 0 where the report has none', () => {
    const days = [
      { date: '2026-11-02', n: 3 },
      { date: '2026-11-04', n: 1 },
    ];
    expect(everyDay('2026-11-01', '2026-11-04', days, (d) => d.n)).toEqual([
      { date: '2026-11-01', value: 0 },
      { date: '2026-11-02', value: 3 },
      { date: '2026-11-03', value: 0 },
      { date: '2026-11-04', value: 1 },
    ]);
  });
});

describe('the analytics range', () => {
  it('is the last 30 days unless the reader chose dates', () => {
    expect(rangeFrom(new URLSearchParams(), '2026-11-25')).toEqual({ from: '2026-10-27', to: '2026-11-25' });
    expect(rangeFrom(new URLSearchParams('from=2026-01-01&to=2026-01-31'), '2026-11-25')).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(rangeFrom(new URLSearchParams('from=junk&to=2026-02-10'), '2026-11-25')).toEqual({
      from: '2026-01-12',
      to: '2026-02-10',
    });
  });

  it('counts days in Moscow time', () => {
    expect(moscowToday(new Date('2026-11-25T21:30:00Z'))).toBe('2026-11-26');
    expect(moscowToday(new Date('2026-11-25T20:30:00Z'))).toBe('2026-11-25');
  });
});

describe('chart and calendar labels', () => {
  it('writes axis amounts in roubles as short as they go', () => {
    expect(nbsp(formatRubAxis(6_000_000, 'ru'))).toBe('60 тыс. ₽');
    expect(nbsp(formatRubAxis(0, 'ru'))).toBe('0 ₽');
    expect(formatRubAxis(6_000_000, 'en')).toBe('₽60k');
  });

  it('names months and weekdays in the reader’s language, weeks from Monday', () => {
    expect(formatMonth('2026-11-25', 'ru')).toBe('ноябрь 2026 г.');
    expect(formatMonth('2026-11-25', 'en')).toBe('November 2026');
    expect(weekdayNames('ru')).toEqual(['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс']);
    expect(weekdayNames('en')[0]).toBe('Mon');
    expect(nbsp(formatPercent(0.425, 'ru'))).toBe('42,5 %');
  });
});
