import request from 'supertest';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { LISTING_EVENTS, type PublishedListing } from '@kvartirnsk/lib/listing-events';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createSearchApp } from './app';
import { stateFromEvent } from './listing-state';
import { searchResultSchema } from './openapi';
import { rebuildListingsIndex } from './rebuild-index';
import { mergeIntoIndex } from './store';
import { daysFromNow, dropAlias, eventAt, publishedListing, testAlias } from './test-support';

// A hand-made data set of twelve visible listings (plus one unpublished and one booking-only stub), with
// every expected answer worked out by hand from the table below.
const client = createSearchClient(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200');
const alias = testAlias('query');
const app = createSearchApp({ client, alias, logger: createLogger('search-test', 'silent') });

const D = (offset: number) => daysFromNow(30 + offset);

// prettier-ignore
const LISTINGS: PublishedListing[] = [
  publishedListing({ listingId: 'm1', city: 'Москва', location: { lat: 55.7494, lon: 37.5912 }, type: 'flat', title: 'Студия на Арбате', titleEn: 'Studio on Arbat', maxGuests: 2, nightlyPrice: 650_000, amenities: ['wifi', 'kitchen'], instantBook: true }),
  publishedListing({ listingId: 'm2', city: 'Москва', location: { lat: 55.7601, lon: 37.6186 }, type: 'flat', title: 'Квартира у Большого театра', titleEn: 'Flat by the Bolshoi', maxGuests: 4, bedrooms: 2, nightlyPrice: 900_000, amenities: ['wifi', 'kitchen', 'washer'], calendarBlocks: [{ from: D(3), to: D(5) }] }),
  publishedListing({ listingId: 'm3', city: 'Москва', location: { lat: 55.7308, lon: 37.6035 }, type: 'room', title: 'Комната в Замоскворечье', titleEn: 'Room in Zamoskvorechye', maxGuests: 1, nightlyPrice: 250_000, amenities: ['wifi'], instantBook: true }),
  publishedListing({ listingId: 'm4', city: 'Москва', location: { lat: 55.8, lon: 37.7 }, type: 'house', title: 'Дом в Сокольниках с садом', titleEn: 'House in Sokolniki with a garden', maxGuests: 8, bedrooms: 4, nightlyPrice: 2_000_000, amenities: ['wifi', 'kitchen', 'parking'] }),
  publishedListing({ listingId: 's1', city: 'Санкт-Петербург', location: { lat: 59.9343, lon: 30.3351 }, type: 'flat', title: 'Квартира у Невского проспекта', titleEn: 'Flat near Nevsky Prospect', maxGuests: 3, nightlyPrice: 520_000, amenities: ['wifi', 'kitchen'], instantBook: true }),
  publishedListing({ listingId: 's2', city: 'Санкт-Петербург', location: { lat: 59.9398, lon: 30.3146 }, type: 'flat', title: 'Лофт с видом на Эрмитаж', titleEn: 'Loft overlooking the Hermitage', maxGuests: 2, nightlyPrice: 1_200_000, amenities: ['wifi', 'air_conditioning'] }),
  publishedListing({ listingId: 's3', city: 'Санкт-Петербург', location: { lat: 59.95, lon: 30.32 }, type: 'room', title: 'Уютная комната на Петроградской', titleEn: 'Cosy room on Petrogradsky', maxGuests: 2, nightlyPrice: 300_000, amenities: ['wifi'], instantBook: true }),
  publishedListing({ listingId: 'k1', city: 'Казань', location: { lat: 55.7961, lon: 49.1064 }, type: 'flat', title: 'Квартира у Кремля', titleEn: 'Flat by the Kremlin', maxGuests: 4, nightlyPrice: 450_000, amenities: ['wifi', 'kitchen', 'parking'], instantBook: true }),
  publishedListing({ listingId: 'k2', city: 'Казань', location: { lat: 55.78, lon: 49.12 }, type: 'house', title: 'Дом у Волги', titleEn: 'House on the Volga', description: 'Баня и причал для SUP-досок', maxGuests: 6, nightlyPrice: 1_500_000, amenities: ['kitchen', 'parking', 'balcony'] }),
  publishedListing({ listingId: 'c1', city: 'Сочи', location: { lat: 43.5855, lon: 39.7231 }, type: 'flat', title: 'Апартаменты у моря', titleEn: 'Seaside apartment', maxGuests: 4, nightlyPrice: 800_000, amenities: ['wifi', 'sea_view', 'air_conditioning', 'balcony'], instantBook: true }),
  publishedListing({ listingId: 'c2', city: 'Сочи', location: { lat: 43.6, lon: 39.73 }, type: 'house', title: 'Дом с видом на море и горы', titleEn: 'House with sea and mountain views', maxGuests: 10, nightlyPrice: 3_000_000, amenities: ['sea_view', 'parking', 'kitchen'] }),
  publishedListing({ listingId: 'c3', city: 'Сочи', location: { lat: 43.57, lon: 39.74 }, type: 'room', title: 'Комната у моря', titleEn: 'Room by the sea', maxGuests: 2, nightlyPrice: 200_000, amenities: ['wifi'] }),
  publishedListing({ listingId: 'x1', city: 'Москва', location: { lat: 55.75, lon: 37.62 }, type: 'flat', title: 'Скрытая студия', maxGuests: 2, nightlyPrice: 500_000, instantBook: true }),
];
const RATINGS: Record<string, [number, number]> = {
  m1: [4.9, 12],
  m2: [4.5, 30],
  m4: [4.7, 5],
  s1: [4.8, 40],
  s2: [5.0, 3],
  s3: [4.2, 8],
  k1: [4.6, 15],
  c1: [4.9, 50],
  c2: [4.4, 6],
  c3: [3.9, 9],
};
const STAYS = [
  { bookingId: 'b-m1', listingId: 'm1', checkIn: D(0), checkOut: D(3) },
  { bookingId: 'b-s1', listingId: 's1', checkIn: D(1), checkOut: D(2) }, // cancelled below
  { bookingId: 'b-c1', listingId: 'c1', checkIn: D(-2), checkOut: D(0) },
  { bookingId: 'b-k1', listingId: 'k1', checkIn: D(2), checkOut: D(4) },
  { bookingId: 'b-stub', listingId: 'not-published-yet', checkIn: D(0), checkOut: D(1) },
];
const ALL_VISIBLE = ['m1', 'm2', 'm3', 'm4', 's1', 's2', 's3', 'k1', 'k2', 'c1', 'c2', 'c3'];
const MOSCOW = { north: 56, south: 55.5, east: 38, west: 37.3 };
const KREMLIN = { lat: 55.752, lon: 37.6175 };

async function apply(type: string, data: object) {
  await mergeIntoIndex(client, alias, stateFromEvent(eventAt(type, data, new Date().toISOString()))!);
}

beforeAll(async () => {
  await rebuildListingsIndex({
    client,
    alias,
    source: (async function* () {
      yield* LISTINGS;
    })(),
  });
  for (const [listingId, [average, count]] of Object.entries(RATINGS))
    await apply(LISTING_EVENTS.ratingUpdated, { listingId, hostId: 'host-1', average, count });
  for (const stay of STAYS) await apply('booking.confirmed', stay);
  await apply('booking.cancelled', { ...STAYS[1], reason: 'guest changed plans' });
  await apply(LISTING_EVENTS.unpublished, { listingId: 'x1', reason: 'archived' });
  await client.indices.refresh({ index: alias });
});

afterAll(async () => {
  await dropAlias(client, alias);
  await client.close();
});

async function search(query: Record<string, string | number | boolean>) {
  const response = await request(app).get('/search/listings').query(query);
  expect(response.status).toBe(200);
  return searchResultSchema.parse(response.body);
}

const ids = async (query: Record<string, string | number | boolean>) =>
  (await search({ size: 50, ...query })).items.map((item) => item.id);
const idSet = async (query: Record<string, string | number | boolean>) => (await ids(query)).sort();

describe('each filter alone', () => {
  it('shows only published listings', async () => {
    expect(await idSet({})).toEqual([...ALL_VISIBLE].sort());
  });

  it('matches Russian and English text, forgiving typos and word endings', async () => {
    expect(await idSet({ q: 'студия' })).toEqual(['m1']);
    expect(await idSet({ q: 'студя' })).toEqual(['m1']);
    expect(await idSet({ q: 'квартира' })).toEqual(['k1', 'm2', 's1']);
    expect(await idSet({ q: 'море' })).toEqual(['c1', 'c2', 'c3']);
    expect(await idSet({ q: 'hermitag' })).toEqual(['s2']);
    expect(await idSet({ q: 'seaside' })).toEqual(['c1']);
    expect(await idSet({ q: 'Казань кремль' })).toEqual(['k1']);
    expect(await idSet({ q: 'дом у волги' })).toEqual(['k2']);
  });

  it('finds a word in Latin letters inside Russian text', async () => {
    expect(await idSet({ q: 'sup' })).toEqual(['k2']);
  });

  it('keeps to the map box', async () => {
    expect(await idSet(MOSCOW)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('keeps within a distance of a point', async () => {
    expect(await idSet({ ...KREMLIN, radiusKm: 3 })).toEqual(['m1', 'm2', 'm3']);
    expect(await idSet({ ...KREMLIN, radiusKm: 2 })).toEqual(['m1', 'm2']);
  });

  it('fits the guests', async () => {
    expect(await idSet({ guests: 4 })).toEqual(['c1', 'c2', 'k1', 'k2', 'm2', 'm4']);
  });

  it('keeps to the nightly price range, both ends included', async () => {
    expect(await idSet({ minPrice: 300_000, maxPrice: 800_000 })).toEqual(['c1', 'k1', 'm1', 's1', 's3']);
  });

  it('filters by any of the types and by all of the amenities', async () => {
    expect(await idSet({ type: 'house' })).toEqual(['c2', 'k2', 'm4']);
    expect(await idSet({ type: 'room,house' })).toEqual(['c2', 'c3', 'k2', 'm3', 'm4', 's3']);
    expect(await idSet({ amenities: 'wifi,kitchen' })).toEqual(['k1', 'm1', 'm2', 'm4', 's1']);
  });

  it('keeps instant-book listings only when asked', async () => {
    expect(await idSet({ instantBook: true })).toEqual(['c1', 'k1', 'm1', 'm3', 's1', 's3']);
    expect(await idSet({ instantBook: false })).toEqual([...ALL_VISIBLE].sort());
  });
});

describe('availability', () => {
  const without = (...excluded: string[]) => ALL_VISIBLE.filter((id) => !excluded.includes(id)).sort();

  it('leaves out a listing booked for any night of the stay', async () => {
    // m1 is booked for exactly these nights, k1 for the last one; m2's block starts on the check-out day.
    expect(await idSet({ checkIn: D(0), checkOut: D(3) })).toEqual(without('m1', 'k1'));
  });

  it('lets a stay begin on the day another ends, and end on the day another begins', async () => {
    // c1's stay leaves on D(0); k1's arrives on D(2).
    expect(await idSet({ checkIn: D(0), checkOut: D(2) })).toEqual(without('m1'));
  });

  it('conflicts on a single overlapping night', async () => {
    expect(await idSet({ checkIn: D(-1), checkOut: D(1) })).toEqual(without('m1', 'c1'));
    expect(await idSet({ checkIn: D(3), checkOut: D(4) })).toEqual(without('m2', 'k1'));
    expect(await idSet({ checkIn: D(4), checkOut: D(5) })).toEqual(without('m2'));
    expect(await idSet({ checkIn: D(5), checkOut: D(6) })).toEqual(without());
  });

  it('frees the nights of a cancelled booking', async () => {
    expect(await idSet({ checkIn: D(1), checkOut: D(2) })).toContain('s1');
  });
});

describe('combined filters', () => {
  it('applies box, dates, guests and price together', async () => {
    expect(await idSet({ ...MOSCOW, checkIn: D(0), checkOut: D(3), guests: 2, maxPrice: 1_000_000 })).toEqual(
      ['m2'],
    );
  });

  it('applies text, guests and amenities, sorted by price', async () => {
    expect(await ids({ q: 'квартира', guests: 3, amenities: 'kitchen', sort: 'price_asc' })).toEqual([
      'k1',
      's1',
      'm2',
    ]);
  });
});

describe('sorting and pages', () => {
  it('sorts by price both ways', async () => {
    const ascending = ['c3', 'm3', 's3', 'k1', 's1', 'm1', 'c1', 'm2', 's2', 'k2', 'm4', 'c2'];
    expect(await ids({ sort: 'price_asc' })).toEqual(ascending);
    expect(await ids({ sort: 'price_desc' })).toEqual([...ascending].reverse());
  });

  it('sorts by rating, more reviews first on a tie, unrated last', async () => {
    expect(await ids({ sort: 'rating' })).toEqual([
      's2',
      'c1',
      'm1',
      's1',
      'm4',
      'k1',
      'm2',
      'c2',
      's3',
      'c3',
      'k2',
      'm3',
    ]);
  });

  it('sorts by distance from the point and says how far', async () => {
    const result = await search({ ...KREMLIN, ...MOSCOW, sort: 'distance' });
    expect(result.items.map((item) => item.id)).toEqual(['m2', 'm1', 'm3', 'm4']);
    expect(result.items[0]!.distanceKm).toBeCloseTo(0.9, 1);
  });

  it('pages through the results without gaps or repeats', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => search({ sort: 'price_asc', size: 5, page })));
    expect(pages.map((page) => page.items.map((item) => item.id))).toEqual([
      ['c3', 'm3', 's3', 'k1', 's1'],
      ['m1', 'c1', 'm2', 's2', 'k2'],
      ['m4', 'c2'],
    ]);
    expect(pages.map((page) => page.total)).toEqual([12, 12, 12]);
  });

  it('gives each card what it needs', async () => {
    const [card] = (await search({ q: 'студия' })).items;
    expect(card).toEqual({
      id: 'm1',
      title: 'Студия на Арбате',
      titleEn: 'Studio on Arbat',
      city: 'Москва',
      location: { lat: 55.7494, lon: 37.5912 },
      type: 'flat',
      maxGuests: 2,
      bedrooms: 1,
      instantBook: true,
      nightlyPrice: { amount: 650_000, currency: 'RUB' },
      rating: { average: 4.9, count: 12 },
      thumbnailUrl: 'https://img.example/m1-t.jpg',
    });
  });
});

describe('facets and the map', () => {
  it('counts each facet without its own filter', async () => {
    const result = await search({ ...MOSCOW, type: 'flat' });
    expect(result.items.map((item) => item.id).sort()).toEqual(['m1', 'm2']);
    expect(result.facets.type).toEqual(
      expect.arrayContaining([
        { value: 'flat', count: 2 },
        { value: 'room', count: 1 },
        { value: 'house', count: 1 },
      ]),
    );
    expect(result.facets.amenities).toEqual([
      { value: 'kitchen', count: 2 },
      { value: 'wifi', count: 2 },
      { value: 'washer', count: 1 },
    ]);
    expect(result.facets.instantBook).toEqual(
      expect.arrayContaining([
        { value: true, count: 1 },
        { value: false, count: 1 },
      ]),
    );
    expect(result.facets.price.buckets).toEqual([
      { from: 600_000, count: 1 },
      { from: 900_000, count: 1 },
    ]);
  });

  it('counts prices across the price filter and instant book across its own', async () => {
    const result = await search({ ...MOSCOW, maxPrice: 700_000, instantBook: true });
    expect(result.items.map((item) => item.id).sort()).toEqual(['m1', 'm3']);
    expect(result.facets.price.buckets).toEqual([
      { from: 200_000, count: 1 },
      { from: 600_000, count: 1 },
    ]);
    expect(result.facets.instantBook).toEqual([{ value: true, count: 2 }]);
  });

  it('gives pins and clusters for the visible box', async () => {
    const result = await search({ ...MOSCOW, map: true });
    expect(result.map?.pins.map((pin) => pin.id).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(result.map?.pinsTruncated).toBe(false);
    expect(result.map?.clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(4);
  });
});
