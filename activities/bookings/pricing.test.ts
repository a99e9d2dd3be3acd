import { money } from '@kvartirnsk/lib/money';
import { priceStay } from './pricing';

describe('priceStay', () => {
  const rates = { nightly: money(300_000), weekend: money(400_000), cleaningFee: money(150_000) };

  it('prices weekday and weekend nights, cleaning and the service fee', () => {
    // 2026-12-03 is a Thursday: Thu, Fri, Sat nights.
    const { lines, total, hostFee, hostPayout } = priceStay(rates, '2026-12-03', '2026-12-06', {
      guestServiceFeeBasisPoints: 1200,
      hostFeeBasisPoints: 300,
    });
    expect(lines.filter((l) => l.kind === 'night').map((l) => [l.date, l.amount.amount])).toEqual([
      ['2026-12-03', 300_000],
      ['2026-12-04', 400_000],
      ['2026-12-05', 400_000],
    ]);
    const subtotal = 300_000 + 400_000 + 400_000 + 150_000;
    const serviceFee = (subtotal * 12) / 100;
    expect(lines.find((l) => l.kind === 'service_fee')?.amount.amount).toBe(serviceFee);
    expect(total).toEqual(money(subtotal + serviceFee));
    expect(hostFee).toEqual(money((subtotal * 3) / 100));
    // Every kopeck the guest pays is the host's payout, the host fee or the service fee.
    expect(hostPayout.amount + hostFee.amount + serviceFee).toBe(total.amount);
  });

  it('uses the weekday rate when there is no weekend rate and omits zero fees', () => {
    const { lines, total } = priceStay(
      { nightly: money(100_001), cleaningFee: money(0) },
      '2026-12-04',
      '2026-12-05',
      { guestServiceFeeBasisPoints: 0, hostFeeBasisPoints: 0 },
    );
    expect(lines).toEqual([{ kind: 'night', date: '2026-12-04', amount: money(100_001) }]);
    expect(total).toEqual(money(100_001));
  });

  it('rounds the fee to the kopeck', () => {
    const { total } = priceStay({ nightly: money(333), cleaningFee: money(0) }, '2026-12-01', '2026-12-02', {
      guestServiceFeeBasisPoints: 1250,
      hostFeeBasisPoints: 0,
    });
    expect(total.amount).toBe(333 + 42); // 41.625 kopecks of fee rounds to 42
  });
});
