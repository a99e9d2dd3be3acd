import request from 'supertest';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createSearchApp } from './app';
import { daysFromNow } from './test-support';

// Validation answers before Elasticsearch is asked, so this needs nothing running.
const client = createSearchClient('http://127.0.0.1:1');
const app = createSearchApp({ client, alias: 'unused', logger: createLogger('search-test', 'silent') });

afterAll(() => client.close());

async function problemFields(query: string): Promise<string[]> {
  const response = await request(app).get(`/search/listings?${query}`);
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return (response.body as { errors: { field: string }[] }).errors.map((error) => error.field);
}

const soon = daysFromNow(10);
const later = daysFromNow(13);

it.each([
  ['checkOut before checkIn', `checkIn=${later}&checkOut=${soon}`, 'checkOut'],
  ['checkOut equal to checkIn', `checkIn=${soon}&checkOut=${soon}`, 'checkOut'],
  ['checkIn without checkOut', `checkIn=${soon}`, 'checkOut'],
  ['checkIn in the past', `checkIn=2020-01-01&checkOut=2020-01-03`, 'checkIn'],
  ['a date that is no date', `checkIn=2026-02-30&checkOut=${later}`, 'checkIn'],
  ['south of the box north of its north', 'north=55&south=56&east=38&west=37', 'south'],
  ['a box missing an edge', 'north=56&south=55&east=38', 'west'],
  ['a latitude off the globe', 'lat=91&lon=37', 'lat'],
  ['a radius without a point', 'radiusKm=5', 'radiusKm'],
  ['distance sorting without a point', 'sort=distance', 'sort'],
  ['an unknown sort', 'sort=cheapest', 'sort'],
  ['guests that are not a number', 'guests=two', 'guests'],
  ['too many guests', 'guests=40', 'guests'],
  ['fractional kopecks', 'minPrice=10.5', 'minPrice'],
  ['a price range upside down', 'minPrice=500000&maxPrice=100000', 'maxPrice'],
  ['an unknown type', 'type=castle', 'type.0'],
  ['a type given twice', 'type=flat&type=room', 'type'],
  ['a city of nothing but spaces', 'city=%20%20', 'city'],
  ['an unknown amenity', 'amenities=wifi,jacuzzi', 'amenities.1'],
  ['instantBook that is not a boolean', 'instantBook=yes', 'instantBook'],
  ['a page size over the cap', 'size=500', 'size'],
  ['a page beyond the result window', 'page=100&size=50', 'page'],
  ['map pins without a box', 'map=true', 'map'],
  ['an unknown parameter', 'colour=red', 'colour'],
])('answers 400 naming the field for %s', async (_case, query, field) => {
  expect(await problemFields(query)).toContain(field);
});

it('serves its OpenAPI document with the search route', async () => {
  const response = await request(app).get('/search/openapi.json');
  expect(response.status).toBe(200);
  expect(Object.keys(response.body.paths)).toEqual(['/search/openapi.json', '/search/listings']);
});

it('answers 503 problem+json when Elasticsearch cannot be reached', async () => {
  const response = await request(app).get('/search/listings');
  expect(response.status).toBe(503);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
});
