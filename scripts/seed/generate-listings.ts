import { type RussianCityPlace, russianCityPlaces } from '@kvartirnsk/api-geo/russian-cities';
import {
  type AMENITIES,
  CANCELLATION_POLICY_NAMES,
  type LISTING_TYPES,
  type PublishedListing,
} from '@kvartirnsk/lib/listing-events';

type ListingType = (typeof LISTING_TYPES)[number];
type Amenity = (typeof AMENITIES)[number];

export interface GenerateListingsOptions {
  count: number;
  /** Same seed, same listings: ids, texts, prices and dates all come from it. */
  seed: number;
  /** How many hosts share the listings (a few hosts have many); defaults to one host per five listings. */
  hostCount?: number;
  /**
   * The day the catalogue is "as of" (YYYY-MM-DD): listings were published in the year before it and calendar
   * blocks fall in the half-year after it. A fixed default keeps the output independent of the clock.
   */
  asOf?: string;
}

const DEFAULT_AS_OF = '2027-01-01';
const DAY_MS = 86_400_000;
/** What a night in a one-bedroom flat costs where the price level is 1. */
const BASE_NIGHT_ROUBLES = 3_500;
const DEMO_PHOTOS_PER_TYPE = 24;

/**
 * Realistic published listings for demos and benchmarks: spread over the curated Russian cities in proportion
 * to their population, placed inside each city's bounds (the same box the geo service reports), with the
 * city's time zone, Russian texts (English for some), prices in kopecks by city and size, and parse-clean
 * against publishedListingSchema. Listing ids are `gen-<seed>-<n>` and host ids `gen-host-<seed>-<n>`.
 */
export function generateListings(options: GenerateListingsOptions): PublishedListing[] {
  const { count, seed } = options;
  const hostCount = Math.max(1, options.hostCount ?? Math.ceil(count / 5));
  const asOf = Date.parse(`${options.asOf ?? DEFAULT_AS_OF}T00:00:00Z`);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number, got ${count}`);
  if (Number.isNaN(asOf)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got ${options.asOf}`);

  const random = mulberry32(seed);
  const pickCity = weightedPicker(russianCityPlaces(), (city) => city.population);
  const listings: PublishedListing[] = new Array<PublishedListing>(count);
  for (let index = 0; index < count; index++) {
    listings[index] = generateListing(random, pickCity(random()), index, seed, hostCount, asOf);
  }
  return listings;
}

type Random = () => number;

/** A small, fast, well-known 32-bit PRNG; Math.random cannot be seeded. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function weightedPicker<T>(items: readonly T[], weight: (item: T) => number): (unit: number) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) cumulative.push((total += weight(item)));
  return (unit) => {
    const target = unit * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return items[low]!;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

interface Layout {
  type: ListingType;
  bedrooms: number;
  beds: number;
  bathrooms: number;
  maxGuests: number;
  /** Price relative to a one-bedroom flat. */
  sizeFactor: number;
}

function generateLayout(random: Random): Layout {
  const roll = random();
  if (roll < 0.15) {
    const beds = between(random, 1, 2);
    return {
      type: 'room',
      bedrooms: 1,
      beds,
      bathrooms: 1,
      maxGuests: beds === 1 ? between(random, 1, 2) : 2,
      sizeFactor: 0.55,
    };
  }
  if (roll < 0.3) {
    const bedrooms = between(random, 2, 5);
    const beds = bedrooms + between(random, 0, 2);
    const maxGuests = Math.min(16, beds * 2 - between(random, 0, 1));
    return {
      type: 'house',
      bedrooms,
      beds,
      bathrooms: between(random, 1, 3),
      maxGuests,
      sizeFactor: 1.1 + 0.35 * bedrooms,
    };
  }
  const bedrooms = pick(random, FLAT_BEDROOMS);
  const beds = Math.max(1, bedrooms + between(random, 0, 1));
  const maxGuests = bedrooms === 0 ? 2 : Math.min(10, beds * 2);
  return {
    type: 'flat',
    bedrooms,
    beds,
    bathrooms: bedrooms === 3 ? between(random, 1, 2) : 1,
    maxGuests,
    sizeFactor: [0.8, 1, 1.4, 1.8][bedrooms]!,
  };
}

const ADJECTIVES = [
  ['Уютная', 'Cosy'],
  ['Светлая', 'Bright'],
  ['Просторная', 'Spacious'],
  ['Стильная', 'Stylish'],
  ['Тихая', 'Quiet'],
  ['Современная', 'Modern'],
] as const;
const FLAT_KINDS = [
  ['студия', 'studio'],
  ['однокомнатная квартира', 'one-bedroom flat'],
  ['двухкомнатная квартира', 'two-bedroom flat'],
  ['трёхкомнатная квартира', 'three-bedroom flat'],
] as const;
const PLACES = [
  ['в центре', 'in the centre'],
  ['у метро', 'near the metro'],
  ['в историческом центре', 'in the old town'],
  ['рядом с парком', 'by the park'],
  ['у набережной', 'near the embankment'],
  ['в новом доме', 'in a new building'],
] as const;
const SEA_PLACES = [
  ['с видом на море', 'with a sea view'],
  ['в пяти минутах от моря', 'five minutes from the sea'],
] as const;
const HOUSE_KINDS = [
  ['Дом', 'House'],
  ['Коттедж', 'Cottage'],
  ['Таунхаус', 'Townhouse'],
  ['Дом с садом', 'House with a garden'],
] as const;
const STREETS = [
  'ул. Ленина',
  'ул. Пушкина',
  'ул. Гагарина',
  'ул. Мира',
  'ул. Советская',
  'ул. Садовая',
  'ул. Набережная',
  'ул. Кирова',
  'ул. Чехова',
  'ул. Лермонтова',
  'пр. Победы',
  'пр. Строителей',
  'Комсомольский пр.',
  'ул. Молодёжная',
  'ул. Центральная',
  'пер. Школьный',
] as const;

interface Texts {
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
}

function generateTexts(random: Random, layout: Layout, city: RussianCityPlace, seaView: boolean): Texts {
  const [placeRu, placeEn] = seaView && chance(random, 0.7) ? pick(random, SEA_PLACES) : pick(random, PLACES);
  const guestsRu = `До ${layout.maxGuests} ${guestsWord(layout.maxGuests)}, ${layout.beds} ${bedsWord(layout.beds)}.`;
  const guestsEn = `Up to ${layout.maxGuests} guest${layout.maxGuests === 1 ? '' : 's'}, ${layout.beds} bed${layout.beds === 1 ? '' : 's'}.`;
  if (layout.type === 'house') {
    const [kindRu, kindEn] = pick(random, HOUSE_KINDS);
    return {
      title: `${kindRu} на ${layout.bedrooms} ${bedroomsWord(layout.bedrooms)} ${placeRu}`,
      titleEn: `${kindEn} with ${layout.bedrooms} bedrooms ${placeEn}`,
      description: `${kindRu} для отдыха семьёй или компанией, ${city.nameRu}. ${guestsRu} Своя кухня, двор и парковка.`,
      descriptionEn: `${kindEn} for families and groups in ${city.name}. ${guestsEn} Own kitchen, yard and parking.`,
    };
  }
  const [adjectiveRu, adjectiveEn] = pick(random, ADJECTIVES);
  if (layout.type === 'room') {
    return {
      title: `${adjectiveRu} комната ${placeRu}`,
      titleEn: `${adjectiveEn} room ${placeEn}`,
      description: `Отдельная комната в квартире хозяина, ${city.nameRu}. ${guestsRu} Кухня и ванная общие.`,
      descriptionEn: `A private room in the host's flat in ${city.name}. ${guestsEn} Shared kitchen and bathroom.`,
    };
  }
  const [kindRu, kindEn] = FLAT_KINDS[layout.bedrooms]!;
  return {
    title: `${adjectiveRu} ${kindRu} ${placeRu}`,
    titleEn: `${adjectiveEn} ${kindEn} ${placeEn}`,
    description: `Квартира целиком, ${city.nameRu}. ${guestsRu} Чистое бельё и полотенца, всё для короткой поездки.`,
    descriptionEn: `The whole flat in ${city.name}. ${guestsEn} Fresh linen and towels, all you need for a short trip.`,
  };
}

/** Russian plural forms: 1 гость, 2 гостя, 5 гостей. */
function russianPlural(count: number, one: string, few: string, many: string): string {
  const lastTwo = count % 100;
  const last = count % 10;
  if (lastTwo >= 11 && lastTwo <= 14) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}
const guestsWord = (count: number) => russianPlural(count, 'гостя', 'гостей', 'гостей');
const bedsWord = (count: number) => russianPlural(count, 'кровать', 'кровати', 'кроватей');
const bedroomsWord = (count: number) => russianPlural(count, 'спальню', 'спальни', 'спален');

function generateAmenities(
  random: Random,
  layout: Layout,
  city: RussianCityPlace,
  seaView: boolean,
): Amenity[] {
  const south = city.location.lat < 47;
  const amenities: Amenity[] = ['wifi', 'heating'];
  const maybe = (amenity: Amenity, probability: number) => {
    if (chance(random, probability)) amenities.push(amenity);
  };
  maybe('kitchen', layout.type === 'room' ? 0.6 : 0.95);
  maybe('washer', 0.75);
  maybe('dryer', 0.15);
  maybe('dishwasher', layout.type === 'house' ? 0.5 : 0.25);
  maybe('air_conditioning', south ? 0.8 : 0.3);
  maybe('tv', 0.7);
  maybe('workspace', 0.4);
  if (layout.type !== 'house') maybe('elevator', 0.6);
  maybe('parking', layout.type === 'house' ? 0.95 : 0.3);
  if (layout.type !== 'house') maybe('balcony', 0.5);
  if (seaView) amenities.push('sea_view');
  maybe('pets_allowed', 0.15);
  maybe('smoking_allowed', 0.05);
  maybe('family_friendly', layout.maxGuests >= 4 ? 0.6 : 0.15);
  maybe('self_check_in', 0.45);
  return amenities;
}

/** Scattered around the centre (denser near it) and strictly inside the city's bounds. */
function generateLocation(random: Random, city: RussianCityPlace): { lat: number; lon: number } {
  const { south, north, west, east } = city.bounds;
  const offset = () => (random() + random() - 1) * 0.95;
  const lat = city.location.lat + offset() * Math.min(north - city.location.lat, city.location.lat - south);
  const lon = city.location.lon + offset() * Math.min(east - city.location.lon, city.location.lon - west);
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Up to three non-overlapping closed periods in the half-year after `asOf`. */
function generateCalendarBlocks(random: Random, asOf: number): PublishedListing['calendarBlocks'] {
  const blocks: PublishedListing['calendarBlocks'] = [];
  let day = between(random, 0, 30);
  const count = pick(random, BLOCK_COUNTS);
  for (let block = 0; block < count; block++) {
    const nights = between(random, 1, 14);
    blocks.push({ from: isoDate(asOf + day * DAY_MS), to: isoDate(asOf + (day + nights) * DAY_MS) });
    day += nights + between(random, 3, 45);
  }
  return blocks;
}

const CANCELLATION_POLICY_MIX = [...CANCELLATION_POLICY_NAMES, 'flexible', 'moderate'] as const;
const CHECK_IN_TIMES = ['14:00', '15:00', '15:00', '16:00'];
const CHECK_OUT_TIMES = ['11:00', '12:00', '12:00'];
const MIN_NIGHTS_OF_FLATS = [1, 1, 1, 2, 3];
const MAX_NIGHTS = [14, 30, 30, 60, 90, 365];
const FLAT_BEDROOMS = [0, 1, 1, 1, 2, 2, 3];
const BLOCK_COUNTS = [0, 0, 1, 1, 2, 3];

const HOUSE_RULES = [
  'Без вечеринок и шумных мероприятий. Тишина после 23:00.',
  'Просим не шуметь после 22:00 и бережно относиться к соседям.',
  'Без вечеринок. Обувь снимать у входа.',
];

function generateListing(
  random: Random,
  city: RussianCityPlace,
  index: number,
  seed: number,
  hostCount: number,
  asOf: number,
): PublishedListing {
  const listingId = `gen-${seed}-${index}`;
  const layout = generateLayout(random);
  const seaView = city.bySea && chance(random, 0.35);
  const texts = generateTexts(random, layout, city, seaView);
  const withEnglish = chance(random, 0.4);
  const amenities = generateAmenities(random, layout, city, seaView);

  const nightlyRoubles = roundTo(
    BASE_NIGHT_ROUBLES * city.priceLevel * layout.sizeFactor * (0.75 + random() * 0.6),
    50,
  );
  const weekendRoubles = chance(random, 0.6) ? roundTo(nightlyRoubles * (1.1 + random() * 0.15), 50) : null;
  const cleaningRoubles = chance(random, 0.3)
    ? 0
    : roundTo(300 + 250 * layout.bedrooms + random() * 700, 100);
  const photoCount = between(random, 1, 3);
  const firstPicture = between(random, 0, DEMO_PHOTOS_PER_TYPE - 1);
  // A square of the uniform number puts more listings on the first hosts, like real multi-listing hosts.
  const host = Math.floor(random() * random() * hostCount);

  let houseRules = pick(random, HOUSE_RULES);
  if (!amenities.includes('smoking_allowed')) houseRules += ' Курение запрещено.';
  if (!amenities.includes('pets_allowed')) houseRules += ' Без животных.';

  return {
    listingId,
    hostId: `gen-host-${seed}-${host}`,
    revision: 1,
    type: layout.type,
    title: texts.title,
    titleEn: withEnglish ? texts.titleEn : null,
    description: texts.description,
    descriptionEn: withEnglish ? texts.descriptionEn : null,
    city: city.nameRu,
    address: `${pick(random, STREETS)}, д. ${between(random, 1, 120)}`,
    location: generateLocation(random, city),
    timeZone: city.timeZone,
    maxGuests: layout.maxGuests,
    bedrooms: layout.bedrooms,
    beds: layout.beds,
    bathrooms: layout.bathrooms,
    amenities,
    houseRules,
    checkInTime: pick(random, CHECK_IN_TIMES),
    checkOutTime: pick(random, CHECK_OUT_TIMES),
    photos: Array.from({ length: photoCount }, (_, photo) => {
      const picture = `/demo-photos/${layout.type}/${((firstPicture + photo) % DEMO_PHOTOS_PER_TYPE) + 1}`;
      return {
        id: `${listingId}-photo-${photo + 1}`,
        url: `${picture}.jpg`,
        thumbnailUrl: `${picture}-thumb.jpg`,
      };
    }),
    currency: 'RUB',
    nightlyPrice: nightlyRoubles * 100,
    weekendPrice: weekendRoubles === null ? null : weekendRoubles * 100,
    cleaningFee: cleaningRoubles * 100,
    minNights: layout.type === 'house' ? between(random, 2, 3) : pick(random, MIN_NIGHTS_OF_FLATS),
    maxNights: pick(random, MAX_NIGHTS),
    cancellationPolicy: pick(random, CANCELLATION_POLICY_MIX),
    instantBook: chance(random, 0.55),
    calendarBlocks: generateCalendarBlocks(random, asOf),
    publishedAt: new Date(asOf - Math.floor(random() * 365 * DAY_MS)).toISOString(),
  };
}
