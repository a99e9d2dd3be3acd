import { money } from '@kvartirnsk/lib/money';
import {
  LOCALES,
  type Notice,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from '@kvartirnsk/workflows/notifications/contract';
import { render, renderAll, renderMail } from './templates';

const booking = { bookingId: 'b-1', listingId: 'l-1', checkIn: '2027-07-12', checkOut: '2027-07-15' };
const reviewWindow = { bookingId: 'b-1', listingId: 'l-1', closesAt: '2027-07-29T09:00:00.000Z' };
const listing = { listingId: 'l-1', contentRevision: 3 };

/** One notice of every kind, with what its templates need. */
const SAMPLES: { [Kind in NotificationKind]: Extract<Notice, { kind: Kind }> } = {
  booking_requested: { kind: 'booking_requested', data: booking },
  booking_approved: { kind: 'booking_approved', data: booking },
  booking_declined: { kind: 'booking_declined', data: { ...booking, reason: 'Ремонт' } },
  booking_expired: { kind: 'booking_expired', data: booking },
  booking_cancelled: { kind: 'booking_cancelled', data: booking },
  booking_confirmed: { kind: 'booking_confirmed', data: booking },
  refund_issued: { kind: 'refund_issued', data: { bookingId: 'b-1', amount: money(277_800) } },
  payout_sent: { kind: 'payout_sent', data: { bookingId: 'b-1', amount: money(582_000) } },
  review_window_open: { kind: 'review_window_open', data: reviewWindow },
  review_window_closing: { kind: 'review_window_closing', data: reviewWindow },
  listing_approved: { kind: 'listing_approved', data: listing },
  listing_rejected: { kind: 'listing_rejected', data: { ...listing, reason: 'Мало фото' } },
  listing_escalated: { kind: 'listing_escalated', data: listing },
};

const CYRILLIC = /[А-Яа-яЁё]/;

it.each(NOTIFICATION_KINDS.flatMap((kind) => LOCALES.map((locale) => [kind, locale] as const)))(
  'says %s in %s',
  (kind, locale) => {
    const { title, body } = render(SAMPLES[kind], locale);

    expect(title.length).toBeGreaterThan(5);
    expect(body.length).toBeGreaterThan(20);
    expect(`${title} ${body}`).not.toMatch(/undefined|NaN|\[object/);
    // Titles are written in the language itself (bodies may quote a reason in whatever language it came).
    if (locale === 'ru') expect(title).toMatch(CYRILLIC);
    else expect(title).not.toMatch(CYRILLIC);
  },
);

it('writes dates and money the way each language does', () => {
  const ru = render(SAMPLES.booking_confirmed, 'ru').body;
  const en = render(SAMPLES.booking_confirmed, 'en').body;
  const refund = renderAll(SAMPLES.refund_issued);

  expect(ru).toContain('с 12 июля 2027 г. по 15 июля 2027 г.');
  expect(en).toContain('from 12 July 2027 to 15 July 2027');
  expect(refund.body.ru).toMatch(/2\s778,00\s₽/);
  expect(refund.body.en).toContain('RUB');
  expect(refund.path).toBe('/trips/b-1');
});

it('names the reason of a rejection and links the e-mail', () => {
  const mail = renderMail(SAMPLES.listing_rejected, 'en', 'https://kvartirnsk.ru/listings/l-1');

  expect(mail.subject).toBe('Listing not approved');
  expect(mail.text).toContain('Reason: Мало фото');
  expect(mail.text).toContain('https://kvartirnsk.ru/listings/l-1');
});
