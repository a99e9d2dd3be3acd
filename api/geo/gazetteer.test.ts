import { boundsContain, cityBounds, cityRadiusKm } from './bounds';
import { Gazetteer } from './gazetteer';
import { RUSSIAN_CITIES, russianCityPlaces } from './russian-cities';
import { searchKey, transliterate } from './search-key';

let gazetteer: Gazetteer;

/** CPU time rather than wall time, so other processes on a busy machine do not fail the timing tests. */
function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

beforeAll(() => {
  gazetteer = Gazetteer.load();
});

const names = (query: string, limit = 5, country?: string) =>
  gazetteer.search({ query, limit, country }).map((city) => city.name);

describe('city search', () => {
  it('loads the world', () => {
    expect(gazetteer.size).toBeGreaterThan(130_000);
  });

  it.each([
    ['моск', 'Moscow'],
    ['Москва', 'Moscow'],
    ['Moscow', 'Moscow'],
    ['moskva', 'Moscow'],
    ['Sankt', 'Saint Petersburg'],
    ['Saint P', 'Saint Petersburg'],
    ['st. petersburg', 'Saint Petersburg'],
    ['Санкт', 'Saint Petersburg'],
    ['санкт-петербург', 'Saint Petersburg'],
    ['Питер', 'Saint Petersburg'],
    ['kaz', 'Kazan'],
    ['Каз', 'Kazan'],
    ['KAZAN', 'Kazan'],
    ['Сочи', 'Sochi'],
    ['Нижний', 'Nizhniy Novgorod'],
    ['Nizhny Novgorod', 'Nizhniy Novgorod'],
    ['Novgorod', 'Nizhniy Novgorod'],
    ['Ростов-на', 'Rostov-na-Donu'],
    ['Калининград', 'Kaliningrad'],
    ['Петропавловск-Камчатский', 'Petropavlovsk-Kamchatsky'],
  ])('"%s" finds %s first', (query, expected) => {
    expect(names(query)[0]).toBe(expected);
  });

  it('matches Russian cities without a curated Russian name through transliteration', () => {
    expect(names('Тольятти')[0]).toBe('Tol’yatti');
    expect(names('Ессентуки')[0]).toBe('Yessentuki');
    expect(names('Нальчик')[0]).toBe('Nal’chik');
  });

  it('ignores diacritics and apostrophes on both sides', () => {
    expect(names('sao paulo')[0]).toBe('São Paulo');
    expect(names('São')[0]).toBe('São Paulo');
    expect(names('tolyatti')[0]).toBe('Tol’yatti');
    expect(names('orel')).toContain('Orël');
  });

  it('puts Russian cities first when a prefix is ambiguous, but not above a far larger city', () => {
    expect(names('Sa', 2)).toEqual(['Saint Petersburg', 'Samara']);
    expect(names('Lon', 1)).toEqual(['London']);
    expect(names('Kazan', 2)).toEqual(['Kazan', 'Kazan']);
    expect(gazetteer.search({ query: 'Kazan', limit: 2 }).map((city) => city.country)).toEqual(['RU', 'TR']);
  });

  it('filters by country and respects the limit', () => {
    const turkish = gazetteer.search({ query: 'Kazan', limit: 3, country: 'TR' });
    expect(turkish.map((city) => city.country)).toEqual(['TR', 'TR', 'TR']);
    expect(gazetteer.search({ query: 'a', limit: 20 })).toHaveLength(20);
    expect(gazetteer.search({ query: 'm', limit: 1 })).toHaveLength(1);
  });

  it('answers nothing for names no city starts with', () => {
    expect(gazetteer.search({ query: 'qxzqxz', limit: 5 })).toEqual([]);
    expect(gazetteer.search({ query: '’--', limit: 5 })).toEqual([]);
  });

  it('gives curated Russian cities their Russian name and time zone, others none', () => {
    expect(gazetteer.get('524901')).toEqual({
      id: '524901',
      name: 'Moscow',
      nameRu: 'Москва',
      country: 'RU',
      population: 10_381_222,
      location: { lat: 55.75222, lon: 37.61556 },
      bounds: cityBounds({ lat: 55.75222, lon: 37.61556 }, 10_381_222),
      timeZone: 'Europe/Moscow',
    });
    expect(gazetteer.get('2643743')).toMatchObject({ name: 'London', nameRu: null, timeZone: null });
    expect(gazetteer.get('999999999')).toBeUndefined();
  });

  it('does not list sections of cities or places that no longer exist', () => {
    // "Kalininskiy" is a district of Saint Petersburg (GeoNames feature code PPLX).
    expect(gazetteer.get('8504951')).toBeUndefined();
  });
});

describe('reverse lookup', () => {
  it.each([
    ['Red Square', 55.7539, 37.6208, 'Moscow'],
    ['the Hermitage', 59.9398, 30.3146, 'Saint Petersburg'],
    ['Sochi seafront', 43.5807, 39.7186, 'Sochi'],
    ['Kazan Kremlin', 55.7987, 49.1056, 'Kazan'],
  ])('%s is in %s', (_place, lat, lon, expected) => {
    const found = gazetteer.nearest({ lat, lon })!;
    expect(found.city.name).toBe(expected);
    expect(found.distanceKm).toBeLessThan(3);
  });

  it('answers in well under a millisecond', () => {
    const lookups = 10_000;
    const used = cpuMs(() => {
      for (let n = 0; n < lookups; n++)
        gazetteer.nearest({ lat: -60 + (n % 120), lon: -180 + ((n * 7) % 360) });
    });
    expect(used / lookups).toBeLessThan(0.1);
  });
});

describe('bounds', () => {
  it('grow with the square root of the population, between 2 and 30 km', () => {
    expect(cityRadiusKm(1_000)).toBe(2);
    expect(cityRadiusKm(1_104_738)).toBeCloseTo(10.5, 1);
    expect(cityRadiusKm(10_381_222)).toBe(30);
  });

  it('contain the centre of every city', () => {
    for (const query of ['Moscow', 'Sochi', 'London', 'Anadyr', 'Longyearbyen', 'Suva']) {
      for (const city of gazetteer.search({ query, limit: 3 })) {
        expect([city.name, boundsContain(city.bounds, city.location)]).toEqual([city.name, true]);
      }
    }
  });

  it('keep west > east for a box across the antimeridian', () => {
    const bounds = cityBounds({ lat: 65, lon: 179.99 }, 100_000);
    expect(bounds.west).toBeGreaterThan(bounds.east);
    expect(boundsContain(bounds, { lat: 65, lon: -179.99 })).toBe(true);
    expect(boundsContain(bounds, { lat: 65, lon: 0 })).toBe(false);
  });
});

describe('the curated Russian cities', () => {
  it('all exist in the gazetteer under their name, with a valid IANA zone', () => {
    const places = russianCityPlaces();
    expect(places.length).toBeGreaterThanOrEqual(20);
    for (const city of places)
      expect(() => new Intl.DateTimeFormat('ru', { timeZone: city.timeZone })).not.toThrow();
    expect(new Set(RUSSIAN_CITIES.map((city) => city.id)).size).toBe(RUSSIAN_CITIES.length);
  });

  it("cover Russia's eleven time zones", () => {
    const offsets = new Set(
      russianCityPlaces().map(
        (city) =>
          new Intl.DateTimeFormat('en', { timeZone: city.timeZone, timeZoneName: 'longOffset' })
            .formatToParts(new Date('2027-01-15T00:00:00Z'))
            .find((part) => part.type === 'timeZoneName')?.value,
      ),
    );
    expect([...offsets].sort()).toEqual([
      'GMT+02:00',
      'GMT+03:00',
      'GMT+04:00',
      'GMT+05:00',
      'GMT+06:00',
      'GMT+07:00',
      'GMT+08:00',
      'GMT+09:00',
      'GMT+10:00',
      'GMT+11:00',
      'GMT+12:00',
    ]);
  });
});

describe('search keys', () => {
  it('transliterate Russian the way GeoNames spells it', () => {
    expect(transliterate('Нижний Новгород')).toBe('nizhniy novgorod');
    expect(transliterate('Ессентуки')).toBe('yessentuki');
    expect(transliterate('Южно-Сахалинск')).toBe('yuzhno-sakhalinsk');
    expect(transliterate('Щёлково')).toBe('shchelkovo');
  });

  it('fold case, diacritics, apostrophes and punctuation', () => {
    expect(searchKey('São Paulo')).toBe('sao paulo');
    expect(searchKey('Tol’yatti')).toBe('tolyatti');
    expect(searchKey('Rostov-na-Donu')).toBe('rostov na donu');
    expect(searchKey('Łódź')).toBe('lodz');
    expect(searchKey('Орёл')).toBe(searchKey('Орел'));
  });
});
