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
  booking_request_sent: {
    kind: 'booking_request_sent',
    data: { ...booking, respondBy: '2027-07-02T15:30:00.000Z' },
  },
  booking_received: { kind: 'booking_received', data: booking },
  booking_approved: { kind: 'booking_approved', data: booking },
  booking_declined: { kind: 'booking_declined', data: { ...booking, reason: 'Ремонт' } },
  booking_expired: { kind: 'booking_expired', data: booking },
  booking_cancelled: { kind: 'booking_cancelled', data: booking },
  booking_confirmed: { kind: 'booking_confirmed', data: booking },
  booking_cancelled_for_host: {
    kind: 'booking_cancelled_for_host',
    data: { ...booking, cancelledBy: 'guest', stage: 'booking', reason: 'Планы изменились' },
  },
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

it('gives the guest the host’s deadline to answer, in Moscow time', () => {
  const ru = render(SAMPLES.booking_request_sent, 'ru');
  const en = render(SAMPLES.booking_request_sent, 'en');

  expect(ru.body).toContain('до 2 июля 2027 г. в 18:30');
  expect(en.body).toContain('until 2 July 2027 at 18:30');
  expect(en.body).toContain('from 12 July 2027 to 15 July 2027');
  expect(renderAll(SAMPLES.booking_request_sent).path).toBe('/trips/b-1');
});

it('gives the host the deadline of a request, or the usual window for one notified without it', () => {
  const withDeadline = {
    ...SAMPLES.booking_requested,
    data: { ...booking, respondBy: '2027-07-02T15:30:00.000Z' },
  };

  expect(render(withDeadline, 'ru').body).toContain('Ответьте до 2 июля 2027 г. в 18:30');
  expect(render(withDeadline, 'en').body).toContain('Answer by 2 July 2027 at 18:30');
  expect(render(SAMPLES.booking_requested, 'en').body).toContain('Answer within 24 hours');
});

it('tells the host of an Instant Book booking and leads them to their bookings', () => {
  const received = renderAll(SAMPLES.booking_received);

  expect(received.title).toEqual({ ru: 'Новое бронирование', en: 'New booking' });
  expect(received.body.en).toContain('Instant Book');
  expect(received.path).toBe('/host/requests?show=all');
});

describe('a cancellation, as the host hears of it', () => {
  const cancelled = (data: Partial<Extract<Notice, { kind: 'booking_cancelled_for_host' }>['data']>) =>
    renderAll({
      kind: 'booking_cancelled_for_host',
      data: { ...SAMPLES.booking_cancelled_for_host.data, ...data },
    });

  it('names the guest, their reason and what is left of the payout', () => {
    const { title, body, path } = cancelled({});

    expect(title.en).toBe('A booking of your place was cancelled');
    expect(body.en).toMatch(/^The guest cancelled the booking from 12 July 2027 to 15 July 2027/);
    expect(body.en).toContain('Reason: Планы изменились');
    expect(body.en).toContain('cancellation policy');
    expect(body.ru).toMatch(/^Гость отменил бронирование с 12 июля 2027 г\. по 15 июля 2027 г\./);
    expect(body.ru).toContain('правила отмены');
    expect(path).toBe('/host/requests?show=all');
  });

  it('says an administrator’s cancellation refunds the guest in full', () => {
    const { body } = cancelled({ cancelledBy: 'admin', reason: undefined });

    expect(body.en).toMatch(/^An administrator cancelled the booking/);
    expect(body.en).toContain('no payout is due');
    expect(body.en).not.toContain('Reason');
    expect(body.ru).toMatch(/^Администратор отменил бронирование/);
  });

  it('speaks of a withdrawn request without any payout', () => {
    const { title, body } = cancelled({ stage: 'request' });

    expect(title).toEqual({ ru: 'Запрос на бронирование отменён', en: 'Booking request cancelled' });
    expect(body.en).toMatch(/^The guest cancelled the request/);
    expect(body.en).not.toMatch(/payout/i);
    expect(body.ru).not.toMatch(/выплат/i);
  });
});
