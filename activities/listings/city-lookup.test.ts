import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { geoServiceCityContains } from './city-lookup';

// A stand-in for the geo service's documented answer to GET /geo/cities?q=&limit=1.
const CITIES: Record<string, unknown> = {
  Москва: {
    id: '524901',
    name: 'Moscow',
    nameRu: 'Москва',
    country: 'RU',
    population: 12_000_000,
    location: { lat: 55.75, lon: 37.62 },
    bounds: { south: 55.49, west: 37.29, north: 55.96, east: 37.97 },
    timeZone: 'Europe/Moscow',
  },
  Анадырь: {
    id: '2127202',
    name: 'Anadyr',
    nameRu: 'Анадырь',
    country: 'RU',
    population: 13_000,
    location: { lat: 64.73, lon: 177.51 },
    bounds: { south: 64.6, west: 177.0, north: 64.9, east: -179.5 },
    timeZone: 'Asia/Anadyr',
  },
};

let server: Server;
let baseUrl: string;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    asked.push(url.pathname + url.search);
    if (url.searchParams.get('q') === 'Сломанный') {
      res.writeHead(500).end();
      return;
    }
    const city = CITIES[url.searchParams.get('q') ?? ''];
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items: city ? [city] : [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it('places a point inside or outside the city the geo service finds', async () => {
  const cityContains = geoServiceCityContains(baseUrl);

  expect(await cityContains('Москва', { lat: 55.7522, lon: 37.5929 })).toBe('inside');
  expect(await cityContains('Москва', { lat: 59.93, lon: 30.31 })).toBe('outside');
  expect(await cityContains('Атлантида', { lat: 0, lon: 0 })).toBe('unknown_city');
  expect(asked[0]).toBe(`/geo/cities?q=${encodeURIComponent('Москва')}&limit=1`);
});

it('handles a city whose box crosses the antimeridian', async () => {
  const cityContains = geoServiceCityContains(baseUrl);

  expect(await cityContains('Анадырь', { lat: 64.7, lon: 179.9 })).toBe('inside');
  expect(await cityContains('Анадырь', { lat: 64.7, lon: -179.9 })).toBe('inside');
  expect(await cityContains('Анадырь', { lat: 64.7, lon: 170 })).toBe('outside');
});

it('throws when the geo service fails, so the activity retries instead of guessing', async () => {
  await expect(geoServiceCityContains(baseUrl)('Сломанный', { lat: 0, lon: 0 })).rejects.toThrow(/500/);
});
