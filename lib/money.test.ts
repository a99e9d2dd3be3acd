import {
  add,
  allocate,
  CurrencyMismatchError,
  format,
  money,
  percentOf,
  roubles,
  subtract,
  sum,
} from './money';

describe('money', () => {
  it('keeps amounts as integer kopecks', () => {
    expect(roubles(3500)).toEqual({ amount: 350_000, currency: 'RUB' });
    expect(() => money(10.5)).toThrow(RangeError);
  });

  it('adds and subtracts exactly', () => {
    expect(add(money(10), money(20))).toEqual(money(30));
    expect(subtract(money(10), money(25))).toEqual(money(-15));
    expect(sum([money(1), money(2), money(3)])).toEqual(money(6));
  });

  it('refuses to mix currencies', () => {
    const foreign = { amount: 1, currency: 'USD' } as unknown as ReturnType<typeof money>;
    expect(() => add(money(1), foreign)).toThrow(CurrencyMismatchError);
  });

  it('rounds a percentage half away from zero, once', () => {
    expect(percentOf(money(1_000), 1200)).toEqual(money(120));
    expect(percentOf(money(5), 1000)).toEqual(money(1)); // 0.5 kopeck rounds up
    expect(percentOf(money(4), 1000)).toEqual(money(0)); // 0.4 rounds down
    expect(percentOf(money(-5), 1000)).toEqual(money(-1));
  });

  it('allocates without losing a kopeck', () => {
    const parts = allocate(money(100), [1, 1, 1]);
    expect(parts.map((p) => p.amount)).toEqual([34, 33, 33]);
    expect(sum(parts)).toEqual(money(100));
    expect(allocate(money(7), [3, 0, 1]).map((p) => p.amount)).toEqual([5, 0, 2]);
  });

  it('formats roubles for the locale', () => {
    expect(format(money(350_000), 'ru').replace(/\s/g, ' ')).toBe('3 500,00 ₽');
    expect(format(money(350_000), 'en').replace(/\s/g, ' ')).toBe('RUB 3,500.00');
  });
});
