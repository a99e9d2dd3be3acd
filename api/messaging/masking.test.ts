import { MASK, maskContactDetails } from './masking';

it.each([
  ['Пишите: anna.petrova@mail.ru', 'email'],
  ['my mail is anna (at) gmail (dot) com', 'email'],
  ['Звоните +7 (912) 345-67-89', 'phone'],
  ['8 912 345 67 89 после шести', 'phone'],
  ['89123456789', 'phone'],
  ['Telegram @anna_sochi', 'handle'],
  ['https://t.me/anna_sochi', 'link'],
  ['смотрите avito.ru/sochi', 'link'],
  ['www.example.com/flat', 'link'],
])('masks %j as %s', (text, kind) => {
  const result = maskContactDetails(text);

  expect(result.masked).toContain(kind);
  expect(result.text).toContain(MASK);
  expect(result.text).not.toMatch(/\d{7}|@mail|gmail|t\.me|avito|example/);
});

it.each([
  'Заезд в 15:00, выезд до 12:00',
  'Нас будет 2 взрослых и 1 ребёнок, приедем 12.07',
  'Цена 4500 ₽ за ночь, итого 13 500 ₽',
  'Is the flat on floor 3? Thanks!',
])('leaves ordinary messages alone: %j', (text) => {
  expect(maskContactDetails(text)).toEqual({ text, masked: [] });
});
