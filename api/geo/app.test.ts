import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createLogger } from '@kvartirnsk/lib/logger';
import { generateListings } from '../../scripts/seed/generate-listings';
import { boundsContain } from './bounds';
import { createGeoApp } from './app';
import { Gazetteer } from './gazetteer';
import { NominatimGeocoder } from './geocoder';
import { citySchema } from './openapi';

const logger = createLogger('geo-test', 'silent');
let gazetteer: Gazetteer;
let app: ReturnType<typeof createGeoApp>;

beforeAll(() => {
  gazetteer = Gazetteer.load();
  app = createGeoApp({ gazetteer, logger });
});

const strictCity = citySchema.strict();

describe('GET /geo/cities', () => {
  it('autocompletes in Russian with the documented City shape', async () => {
    const res = await request(app).get('/geo/cities').query({ q: 'моск', limit: 3 });

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.body.items).toHaveLength(3);
    const [moscow] = res.body.items.map((item: unknown) => strictCity.parse(item));
    expect(moscow).toMatchObject({
      id: '524901',
      name: 'Moscow',
      nameRu: 'Москва',
      country: 'RU',
      timeZone: 'Europe/Moscow',
    });
    expect(boundsContain(moscow.bounds, moscow.location)).toBe(true);
  });

  it('autocompletes in English, filtered by country', async () => {
    const res = await request(app).get('/geo/cities').query({ q: 'Kazan', country: 'tr' });

    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((city: { country: string }) => city.country === 'TR')).toBe(true);
  });

  it('finds every generated listing inside the bounds of the city it names (the moderation check)', async () => {
    const listings = generateListings({ count: 2_000, seed: 3 });
    const boundsByCity = new Map<string, ReturnType<typeof strictCity.parse>>();
    for (const city of new Set(listings.map((listing) => listing.city))) {
      const res = await request(app).get('/geo/cities').query({ q: city, limit: 1 });
      boundsByCity.set(city, strictCity.parse(res.body.items[0]));
    }
    expect(boundsByCity.size).toBeGreaterThanOrEqual(20);
    const outside = listings.filter(
      (listing) => !boundsContain(boundsByCity.get(listing.city)!.bounds, listing.location),
    );
    expect(outside).toEqual([]);
    expect(boundsByCity.get('Сочи')?.timeZone).toBe('Europe/Moscow');
  });

  it.each([
    [{ limit: 5 }, 'q'],
    [{ q: '' }, 'q'],
    [{ q: '   ' }, 'q'],
    [{ q: 'x'.repeat(101) }, 'q'],
    [{ q: 'Sochi', limit: 0 }, 'limit'],
    [{ q: 'Sochi', limit: 21 }, 'limit'],
    [{ q: 'Sochi', limit: 'ten' }, 'limit'],
    [{ q: 'Sochi', country: 'RUS' }, 'country'],
    [{ q: 'Sochi', sort: 'name' }, 'sort'],
  ])('answers 400 problem+json for %j naming %s', async (query, field) => {
    const res = await request(app).get('/geo/cities').query(query);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
  });

  it('answers 400 for a repeated parameter rather than guessing', async () => {
    const res = await request(app).get('/geo/cities?q=Sochi&q=Kazan');

    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('q');
  });
});

describe('GET /geo/cities/:id', () => {
  it('gives a city by its id', async () => {
    const res = await request(app).get('/geo/cities/491422');

    expect(res.status).toBe(200);
    expect(strictCity.parse(res.body)).toMatchObject({
      name: 'Sochi',
      nameRu: 'Сочи',
      timeZone: 'Europe/Moscow',
    });
  });

  it('answers 404 for an unknown id and 400 naming id for a malformed one', async () => {
    const missing = await request(app).get('/geo/cities/999999999');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);

    const malformed = await request(app).get('/geo/cities/moscow');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('id');
  });
});

describe('GET /geo/reverse', () => {
  it.each([
    [55.7539, 37.6208, 'Moscow'],
    [43.5807, 39.7186, 'Sochi'],
  ])('finds the city nearest (%d, %d): %s', async (lat, lon, name) => {
    const res = await request(app).get('/geo/reverse').query({ lat, lon });

    expect(res.status).toBe(200);
    expect(strictCity.parse(res.body.city).name).toBe(name);
    expect(res.body.distanceKm).toBeLessThan(3);
  });

  it.each([
    [{ lat: 91, lon: 0 }, 'lat'],
    [{ lat: -90.5, lon: 0 }, 'lat'],
    [{ lat: 0, lon: 180.01 }, 'lon'],
    [{ lat: '', lon: 0 }, 'lat'],
    [{ lat: 'north', lon: 0 }, 'lat'],
    [{ lat: '1e2', lon: 0 }, 'lat'],
    [{ lon: 0 }, 'lat'],
    [{ lat: 0 }, 'lon'],
  ])('answers 400 problem+json for %j naming %s', async (query, field) => {
    const res = await request(app).get('/geo/reverse').query(query);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
  });
});

describe('service basics', () => {
  it('is ready once the gazetteer is loaded', async () => {
    expect((await request(app).get('/health/ready')).body).toEqual({ status: 'ok' });
  });

  it('serves its OpenAPI document with every route', async () => {
    const res = await request(app).get('/geo/openapi.json');

    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths).sort()).toEqual([
      '/geo/cities',
      '/geo/cities/{id}',
      '/geo/openapi.json',
      '/geo/reverse',
    ]);
    for (const path of Object.values(res.body.paths as Record<string, { get: { security: unknown[] } }>)) {
      expect(path.get.security).toEqual([]);
    }
  });
});

// A stand-in for an external Nominatim: the real one is outside our control and these tests stay offline.
describe('with an external geocoder configured', () => {
  let server: Server;
  let baseUrl: string;
  let answer: { status: number; body: unknown };
  const seen: URL[] = [];
  const seenAgents: (string | undefined)[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(new URL(req.url ?? '/', 'http://localhost'));
      seenAgents.push(req.headers['user-agent']);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nominatim`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const appWithGeocoder = () =>
    createGeoApp({
      gazetteer,
      logger,
      geocoder: new NominatimGeocoder({ baseUrl, userAgent: 'kvartirnsk-test', timeoutMs: 2_000 }),
    });

  it('asks it only for names the gazetteer does not know, and maps its answer to a City', async () => {
    answer = {
      status: 200,
      body: [
        {
          place_id: 1,
          osm_type: 'node',
          osm_id: 42,
          lat: '61.1',
          lon: '29.9',
          name: 'Тихая Гавань',
          display_name: 'Тихая Гавань, Карелия, Россия',
          boundingbox: ['61.0', '61.2', '29.8', '30.0'],
          address: { country_code: 'ru' },
          extratags: { population: '800' },
        },
      ],
    };
    const known = await request(appWithGeocoder()).get('/geo/cities').query({ q: 'Sochi' });
    expect(known.body.items[0].name).toBe('Sochi');
    expect(seen).toHaveLength(0);

    const res = await request(appWithGeocoder())
      .get('/geo/cities')
      .query({ q: 'Тихая Гавань', limit: 2, country: 'RU' });

    expect(res.status).toBe(200);
    expect(res.body.items.map((item: unknown) => strictCity.parse(item))).toEqual([
      {
        id: 'nominatim:node:42',
        name: 'Тихая Гавань',
        nameRu: null,
        country: 'RU',
        population: 800,
        location: { lat: 61.1, lon: 29.9 },
        bounds: { south: 61, west: 29.8, north: 61.2, east: 30 },
        timeZone: null,
      },
    ]);
    const asked = seen.at(-1)!;
    expect(asked.pathname).toBe('/nominatim/search');
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      q: 'Тихая Гавань',
      format: 'jsonv2',
      limit: '2',
      countrycodes: 'ru',
    });
    expect(seenAgents.at(-1)).toBe('kvartirnsk-test');
  });

  it('keeps the gazetteer answer when the geocoder fails', async () => {
    answer = { status: 503, body: { error: 'overloaded' } };

    const res = await request(appWithGeocoder()).get('/geo/cities').query({ q: 'Qxzqxz' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });
});
