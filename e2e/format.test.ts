import {
  estimateStay,
  formatRub,
  formatTimeLeft,
  guestsLabel,
  nightsLabel,
  parseRoubles,
  refundRuleText,
  languageNames,
} from '../web/src/lib/format';
import { resolveLocale } from '../web/src/lib/locale';
import { describeProblem } from '../web/src/lib/problem';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('money display', () => {
  it('shows whole roubles without kopecks and keeps kopecks when there are some', () => {
    expect(nbsp(formatRub(650_000, 'ru'))).toBe('6 500 ₽');
    expect(nbsp(formatRub(650_050, 'ru'))).toBe('6 500,50 ₽');
    expect(nbsp(formatRub(650_000, 'en'))).toBe('₽6,500');
  });

  it('reads roubles typed by a person as kopecks', () => {
    expect(parseRoubles('6 500')).toBe(650_000);
    expect(parseRoubles('100,5')).toBe(10_050);
    expect(parseRoubles('1.234')).toBeUndefined();
    expect(parseRoubles('-5')).toBeUndefined();
  });
});

describe('words that depend on a count', () => {
  it('uses the Russian plural forms', () => {
    expect(nightsLabel(1, 'ru')).toBe('1 ночь');
    expect(nightsLabel(3, 'ru')).toBe('3 ночи');
    expect(nightsLabel(5, 'ru')).toBe('5 ночей');
    expect(guestsLabel(2, 'ru')).toBe('2 гостя');
    expect(nightsLabel(2, 'en')).toBe('2 nights');
  });
});

describe('time left to answer', () => {
  it('counts down hours, minutes and seconds, and stops at the deadline', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(formatTimeLeft('2027-01-01T23:59:05Z', now, 'ru')).toBe('23 ч 59 мин 05 с');
    expect(formatTimeLeft('2027-01-01T00:01:30Z', now, 'en')).toBe('1 min 30 s');
    expect(formatTimeLeft('2026-12-31T23:59:59Z', now, 'ru')).toBeUndefined();
  });
});

describe('stay estimate', () => {
  it('prices Friday and Saturday nights at the weekend price, like the booking quote', () => {
    const listing = { nightlyPrice: 100_000, weekendPrice: 150_000, cleaningFee: 20_000 };
    // 2027-01-07 is a Thursday: Thursday, Friday, Saturday nights.
    const stay = estimateStay(listing, '2027-01-07', '2027-01-10');
    expect(stay.nights.map((n) => n.amount)).toEqual([100_000, 150_000, 150_000]);
    expect(stay.total).toBe(420_000);
  });
});

describe('locale choice', () => {
  it('prefers ?lang=, then the cookie, then Russian', () => {
    expect(resolveLocale('en', 'ru')).toBe('en');
    expect(resolveLocale(null, 'en')).toBe('en');
    expect(resolveLocale('de', undefined)).toBe('ru');
  });
});

describe('API problems in words people understand', () => {
  const problem = (slug: string, extra = {}) => ({
    type: `https://kvartirnsk.ru/problems/${slug}`,
    status: 409,
    ...extra,
  });

  it('explains known problems in the reader’s language', () => {
    expect(describeProblem(problem('dates-unavailable'), 'ru').message).toBe(
      'Эти даты уже заняты. Выберите другие.',
    );
    expect(describeProblem(problem('invalid-credentials', { status: 401 }), 'en').message).toBe(
      'Wrong email or password.',
    );
  });

  it('puts field errors on their fields and names them in the summary', () => {
    const shown = describeProblem(
      problem('validation', {
        status: 400,
        errors: [{ field: 'guests', pointer: '/guests', detail: 'the listing takes at most 2 guests' }],
      }),
      'ru',
    );
    expect(shown.fields).toEqual({ guests: 'слишком много гостей для этого жилья' });
    expect(shown.message).toBe('Проверьте введённые данные. Слишком много гостей для этого жилья.');
  });

  it('falls back on the status for problems it does not know', () => {
    expect(describeProblem({ status: 503 }, 'ru').message).toBe(
      'Сервис временно недоступен. Попробуйте через минуту.',
    );
  });

  it('translates the refund rules the workflow names', () => {
    expect(refundRuleText('strict: 50% until 7 days before', 'ru')).toBe(
      'очень строгие условия: 50% до 7 дней до заезда',
    );
  });
});

describe('languageNames', () => {
  it("names ISO 639-1 codes in the reader's language", () => {
    expect(languageNames(['ru', 'en'], 'ru')).toBe('русский, английский');
    expect(languageNames(['ru', 'en'], 'en')).toBe('Russian, English');
    expect(languageNames([], 'en')).toBe('');
  });
});
