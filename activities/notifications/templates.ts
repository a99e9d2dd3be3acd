import { format as formatMoney } from '@kvartirnsk/lib/money';
import type {
  BookingNotice,
  BookingRequestNotice,
  HostCancellationNotice,
  ListingNotice,
  Locale,
  MoneyNotice,
  Notice,
  NotificationData,
  NotificationKind,
  ReviewWindowNotice,
} from '@kvartirnsk/workflows/notifications/contract';

/** What a notification says, in one language. The e-mail uses the title as its subject. */
export interface Rendered {
  title: string;
  body: string;
}

type Template<Data> = Record<Locale, (data: Data) => Rendered>;

/** Every kind in every language: a missing translation does not type-check (and templates.test.ts renders all). */
type Templates = { [Kind in NotificationKind]: Template<NotificationData[Kind]> };

const DATE_LOCALES: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** A calendar date of a stay (YYYY-MM-DD), as the guest booked it. */
function day(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

/** An instant, in Moscow time: the marketplace's clock until users have time zones. */
function moment(instant: string, locale: Locale): string {
  return new Intl.DateTimeFormat(DATE_LOCALES[locale], {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Moscow',
  }).format(new Date(instant));
}

const stay = ({ checkIn, checkOut }: BookingNotice, locale: Locale) =>
  locale === 'ru'
    ? `с ${day(checkIn, 'ru')} по ${day(checkOut, 'ru')}`
    : `from ${day(checkIn, 'en')} to ${day(checkOut, 'en')}`;

const because = (reason: string | undefined, locale: Locale) =>
  reason ? (locale === 'ru' ? ` Причина: ${reason}` : ` Reason: ${reason}`) : '';

/** What a cancelled booking leaves the host (see workflows/bookings/cancellation-policy.ts); a request paid nothing yet. */
const payoutAfter = ({ stage, cancelledBy }: HostCancellationNotice, locale: Locale) => {
  if (stage === 'request') return '';
  if (cancelledBy === 'admin') {
    return locale === 'ru'
      ? ' Гостю возвращена вся сумма, поэтому выплаты за это проживание не будет.'
      : ' The guest is refunded in full, so no payout is due for this stay.';
  }
  return locale === 'ru'
    ? ' Выплата уменьшена до суммы, которую оставляют вам правила отмены объявления.'
    : ' Your payout shrinks to what your listing’s cancellation policy leaves you.';
};

const TEMPLATES: Templates = {
  booking_requested: {
    ru: (b) => ({
      title: 'Новый запрос на бронирование',
      body: `Гость просит забронировать ваше жильё ${stay(b, 'ru')}. Ответьте ${b.respondBy ? `до ${moment(b.respondBy, 'ru')}` : 'в течение 24 часов'}, иначе запрос истечёт.`,
    }),
    en: (b) => ({
      title: 'New booking request',
      body: `A guest asks to book your place ${stay(b, 'en')}. Answer ${b.respondBy ? `by ${moment(b.respondBy, 'en')}` : 'within 24 hours'} or the request expires.`,
    }),
  },
  booking_request_sent: {
    ru: (r: BookingRequestNotice) => ({
      title: 'Запрос отправлен хозяину',
      body: `Мы передали хозяину ваш запрос ${stay(r, 'ru')}. У хозяина есть время до ${moment(r.respondBy, 'ru')}, чтобы ответить; до тех пор сумма на карте только заблокирована, а не списана.`,
    }),
    en: (r) => ({
      title: 'Request sent to the host',
      body: `Your request ${stay(r, 'en')} is with the host, who has until ${moment(r.respondBy, 'en')} to answer; until then the amount is only held on your card, not charged.`,
    }),
  },
  booking_received: {
    ru: (b) => ({
      title: 'Новое бронирование',
      body: `Гость забронировал ваше жильё ${stay(b, 'ru')} через мгновенное бронирование. Бронирование подтверждено и оплачено; выплата придёт через сутки после заезда.`,
    }),
    en: (b) => ({
      title: 'New booking',
      body: `A guest booked your place ${stay(b, 'en')} with Instant Book. The booking is confirmed and paid; your payout follows a day after check-in.`,
    }),
  },
  booking_approved: {
    ru: (b) => ({
      title: 'Хозяин одобрил бронирование',
      body: `Ваш запрос ${stay(b, 'ru')} одобрен; списываем оплату и подтверждаем бронирование.`,
    }),
    en: (b) => ({
      title: 'Your host approved the booking',
      body: `Your request ${stay(b, 'en')} was approved; we are taking the payment and confirming the booking.`,
    }),
  },
  booking_declined: {
    ru: (b) => ({
      title: 'Хозяин отклонил запрос',
      body: `Запрос ${stay(b, 'ru')} отклонён, блокировка на карте снята.${because(b.reason, 'ru')}`,
    }),
    en: (b) => ({
      title: 'Your host declined the request',
      body: `Your request ${stay(b, 'en')} was declined and the hold on your card released.${because(b.reason, 'en')}`,
    }),
  },
  booking_expired: {
    ru: (b) => ({
      title: 'Запрос истёк',
      body: `Хозяин не ответил вовремя на запрос ${stay(b, 'ru')}; блокировка на карте снята. Посмотрите другие варианты.`,
    }),
    en: (b) => ({
      title: 'Your request expired',
      body: `The host did not answer your request ${stay(b, 'en')} in time; the hold on your card was released. Have a look at other places.`,
    }),
  },
  booking_cancelled: {
    ru: (b) => ({
      title: 'Бронирование отменено',
      body: `Бронирование ${stay(b, 'ru')} отменено.${because(b.reason, 'ru')} Если положен возврат, вы получите отдельное уведомление.`,
    }),
    en: (b) => ({
      title: 'Booking cancelled',
      body: `The booking ${stay(b, 'en')} was cancelled.${because(b.reason, 'en')} If a refund is due, a separate notice follows.`,
    }),
  },
  booking_confirmed: {
    ru: (b) => ({
      title: 'Бронирование подтверждено',
      body: `Всё готово: вы проживаете ${stay(b, 'ru')}. Контакты хозяина теперь видны в переписке.`,
    }),
    en: (b) => ({
      title: 'Booking confirmed',
      body: `All set: your stay is ${stay(b, 'en')}. Your host’s contact details now show in your conversation.`,
    }),
  },
  booking_cancelled_for_host: {
    ru: (c: HostCancellationNotice) => ({
      title: c.stage === 'request' ? 'Запрос на бронирование отменён' : 'Бронирование вашего жилья отменено',
      body: `${c.cancelledBy === 'guest' ? 'Гость отменил' : 'Администратор отменил'} ${c.stage === 'request' ? 'запрос' : 'бронирование'} ${stay(c, 'ru')}, даты снова свободны.${because(c.reason, 'ru')}${payoutAfter(c, 'ru')}`,
    }),
    en: (c) => ({
      title: c.stage === 'request' ? 'Booking request cancelled' : 'A booking of your place was cancelled',
      body: `${c.cancelledBy === 'guest' ? 'The guest' : 'An administrator'} cancelled the ${c.stage === 'request' ? 'request' : 'booking'} ${stay(c, 'en')}; the dates are free again.${because(c.reason, 'en')}${payoutAfter(c, 'en')}`,
    }),
  },
  refund_issued: {
    ru: (m: MoneyNotice) => ({
      title: 'Возврат оформлен',
      body: `Мы вернули ${formatMoney(m.amount, 'ru')} на вашу карту. Деньги обычно приходят за 5–10 рабочих дней.`,
    }),
    en: (m) => ({
      title: 'Refund issued',
      body: `We refunded ${formatMoney(m.amount, 'en')} to your card. It usually arrives within 5–10 business days.`,
    }),
  },
  payout_sent: {
    ru: (m) => ({
      title: 'Выплата отправлена',
      body: `Мы перевели вам ${formatMoney(m.amount, 'ru')} за проживание гостя.`,
    }),
    en: (m) => ({
      title: 'Payout sent',
      body: `We transferred ${formatMoney(m.amount, 'en')} to you for your guest’s stay.`,
    }),
  },
  review_window_open: {
    ru: (r: ReviewWindowNotice) => ({
      title: 'Оставьте отзыв',
      body: `Как всё прошло? Отзыв можно написать до ${moment(r.closesAt, 'ru')}; другая сторона увидит его, когда напишет свой.`,
    }),
    en: (r) => ({
      title: 'Leave a review',
      body: `How did it go? You can write a review until ${moment(r.closesAt, 'en')}; the other side sees it once they have written theirs.`,
    }),
  },
  review_window_closing: {
    ru: (r) => ({
      title: 'Время для отзыва заканчивается',
      body: `Отзыв о поездке можно написать только до ${moment(r.closesAt, 'ru')}.`,
    }),
    en: (r) => ({
      title: 'Time to review is running out',
      body: `You can review your stay only until ${moment(r.closesAt, 'en')}.`,
    }),
  },
  listing_approved: {
    ru: (l: ListingNotice) => ({
      title: 'Объявление опубликовано',
      body: `Ваше объявление прошло проверку (версия ${l.contentRevision}) и видно гостям в поиске.`,
    }),
    en: (l) => ({
      title: 'Listing published',
      body: `Your listing passed review (revision ${l.contentRevision}) and guests can find it now.`,
    }),
  },
  listing_rejected: {
    ru: (l) => ({
      title: 'Объявление не прошло проверку',
      body: `Изменения объявления (версия ${l.contentRevision}) не опубликованы.${because(l.reason, 'ru')} Исправьте и отправьте снова.`,
    }),
    en: (l) => ({
      title: 'Listing not approved',
      body: `The changes to your listing (revision ${l.contentRevision}) were not published.${because(l.reason, 'en')} Fix them and submit again.`,
    }),
  },
  listing_escalated: {
    ru: (l) => ({
      title: 'Объявление слишком долго ждёт проверки',
      body: `Объявление ${l.listingId} (версия ${l.contentRevision}) ждёт модератора дольше положенного.`,
    }),
    en: (l) => ({
      title: 'A listing has waited too long for review',
      body: `Listing ${l.listingId} (revision ${l.contentRevision}) has waited for a moderator longer than it should.`,
    }),
  },
};

/** Where in the web app a notification leads: guests to their trip, hosts to their requests or listing. */
function pathOf(notice: Notice): string {
  switch (notice.kind) {
    case 'booking_requested':
      return '/host/requests';
    case 'booking_received':
    case 'booking_cancelled_for_host':
      return '/host/requests?show=all';
    case 'payout_sent':
      return '/host';
    case 'listing_approved':
    case 'listing_rejected':
      return `/listings/${notice.data.listingId}`;
    case 'listing_escalated':
      return '/admin';
    default:
      return `/trips/${notice.data.bookingId}`;
  }
}

export function render(notice: Notice, locale: Locale): Rendered {
  const template = TEMPLATES[notice.kind][locale] as (data: Notice['data']) => Rendered;
  return template(notice.data);
}

export function renderAll(notice: Notice): {
  title: Record<Locale, string>;
  body: Record<Locale, string>;
  path: string;
} {
  const ru = render(notice, 'ru');
  const en = render(notice, 'en');
  return {
    title: { ru: ru.title, en: en.title },
    body: { ru: ru.body, en: en.body },
    path: pathOf(notice),
  };
}

const MAIL_FOOTER: Record<Locale, string> = {
  ru: 'Какие письма получать, можно выбрать в профиле: раздел «Уведомления».',
  en: 'Choose which e-mails you get in your profile, under “Notifications”.',
};

export function renderMail(notice: Notice, locale: Locale, link: string): { subject: string; text: string } {
  const { title, body } = render(notice, locale);
  return { subject: title, text: `${body}\n\n${link}\n\n—\n${MAIL_FOOTER[locale]}` };
}
