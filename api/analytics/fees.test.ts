import { priceStay } from '@kvartirnsk/activities/bookings/pricing';
import { money, percentOf } from '@kvartirnsk/lib/money';
import { deriveFees } from './fees';

const rates = { guestServiceFeeBasisPoints: 1200, hostFeeBasisPoints: 300 };

it('recovers the fees of every stay the bookings domain prices', () => {
  const stay = priceStay(
    { nightly: money(333_333), weekend: money(450_001), cleaningFee: money(150_000) },
    '2025-03-05',
    '2025-03-12',
    rates,
  );
  const serviceFee = stay.lines.find((line) => line.kind === 'service_fee')?.amount;

  expect(deriveFees(stay.total, rates)).toEqual({ serviceFee, hostFee: stay.hostFee });
});

it('is exact for every subtotal, whichever way the fee rounds', () => {
  const subtotals = [
    ...Array.from({ length: 5_000 }, (_, i) => i + 1),
    ...Array.from({ length: 5_000 }, (_, i) => 1_000_000_000 + i),
  ];
  const wrong = subtotals.filter((subtotal) => {
    const serviceFee = percentOf(money(subtotal), rates.guestServiceFeeBasisPoints);
    const fees = deriveFees(money(subtotal + serviceFee.amount), rates);
    const hostFee = percentOf(money(subtotal), rates.hostFeeBasisPoints);
    return fees.serviceFee.amount !== serviceFee.amount || fees.hostFee.amount !== hostFee.amount;
  });

  expect(wrong).toEqual([]);
});
