import { automatedChecks, type CheckedListing, type ModerationRules } from './checks';

const rules: ModerationRules = {
  minPhotos: 3,
  nightlyPriceRange: { min: 50_000, max: 50_000_000 },
  minDescriptionLength: 30,
  bannedWords: ['казино', 'escort'],
};

const good: CheckedListing = {
  title: 'Студия на Арбате',
  titleEn: 'Studio on Arbat',
  description: 'Светлая студия в пяти минутах от метро, с рабочим местом и кухней.',
  descriptionEn: null,
  houseRules: 'Не курить. Тишина после 23:00.',
  address: 'ул. Арбат, 10',
  city: 'Москва',
  beds: 1,
  nightlyPrice: 650_000,
  weekendPrice: 780_000,
  photoCount: 3,
};

const checksOf = (listing: Partial<CheckedListing>, city: 'inside' | 'outside' | 'unknown_city' = 'inside') =>
  automatedChecks({ ...good, ...listing }, rules, city).map((f) => `${f.check}:${f.field}`);

it('passes a complete, plain listing inside its city', () => {
  expect(automatedChecks(good, rules, 'inside')).toEqual([]);
});

it('asks for the fields a guest needs', () => {
  expect(checksOf({ description: 'Коротко', address: ' ', beds: 0 })).toEqual([
    'required_fields:description',
    'required_fields:address',
    'required_fields:beds',
  ]);
});

it('flags prices outside the sane range, weekend included', () => {
  expect(checksOf({ nightlyPrice: 100, weekendPrice: 90_000_000 })).toEqual([
    'price_sanity:nightlyPrice',
    'price_sanity:weekendPrice',
  ]);
  expect(checksOf({ nightlyPrice: 50_000, weekendPrice: null })).toEqual([]);
});

it('flags coordinates outside the city and cities nobody knows', () => {
  expect(checksOf({}, 'outside')).toEqual(['location_in_city:location']);
  expect(checksOf({}, 'unknown_city')).toEqual(['location_in_city:city']);
});

it('finds banned words whatever their case, in every text field', () => {
  expect(checksOf({ houseRules: 'Рядом КАЗИНО', descriptionEn: 'No escort services, please, no.' })).toEqual([
    'banned_words:descriptionEn',
    'banned_words:houseRules',
  ]);
  // Part of a longer word is not the word.
  expect(checksOf({ descriptionEn: 'An escorted tour of the old town is included in the price.' })).toEqual(
    [],
  );
});

it.each([
  ['a Russian mobile number', 'Звоните: +7 (916) 123-45-67'],
  ['a number written with 8', 'тел. 8 916 123 45 67'],
  ['an e-mail address', 'пишите на anna.host@mail.ru'],
  ['a link', 'фото на https://example.com/flat'],
  ['a bare domain', 'подробности на arbat-flat.ru'],
  ['a Telegram handle', 'мой ник @anna_host'],
  ['a messenger named', 'пишите в телеграм или whatsapp'],
  ['a t.me link', 't.me/anna_host'],
])('finds contact details: %s', (_what, text) => {
  expect(checksOf({ description: `${good.description} ${text}` })).toEqual(['contact_details:description']);
});

it('leaves ordinary numbers, times and prices alone', () => {
  expect(
    checksOf({
      description: `${good.description} Заезд с 15:00, 3 этаж, 2 комнаты, 45 м², 1500 ₽ за уборку.`,
    }),
  ).toEqual([]);
});

it('asks for enough photos', () => {
  expect(checksOf({ photoCount: 1 })).toEqual(['photos:photos']);
});
