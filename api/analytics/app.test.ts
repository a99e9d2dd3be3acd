import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { identityHeaders, type Role } from '@kvartirnsk/lib/identity';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createDb } from '@kvartirnsk/lib/postgres';
import { createAnalyticsApp } from './app';
import type { AnalyticsDatabase } from './schema';

// A database that cannot be reached: the document, role checks and query validation must never need it.
const db = createDb<AnalyticsDatabase>({ url: 'postgres://nobody@127.0.0.1:1/none' });
const app = createAnalyticsApp({ db, logger: createLogger('analytics-test', 'silent') });
const as = (role: Role) => identityHeaders({ userId: `user-${role}`, roles: [role] });

const REPORTS = [
  '/analytics/funnel',
  '/analytics/occupancy',
  '/analytics/revenue',
  '/analytics/host-response',
  '/analytics/moderation',
  '/analytics/searches',
  '/analytics/listing-views',
];

afterAll(async () => {
  await db.destroy();
});

it('serves a valid OpenAPI 3.1 document of every report without touching the database', async () => {
  const res = await request(app).get('/analytics/openapi.json');

  expect(res.status).toBe(200);
  expect(Object.keys(res.body.paths).sort()).toEqual([...REPORTS, '/analytics/openapi.json'].sort());
  const result = await new Validator().validate(res.body);
  expect(result.errors ?? []).toEqual([]);
  for (const path of REPORTS) {
    expect(Object.keys(res.body.paths[path].get.responses)).toEqual(['200', '400', '401', '403']);
  }
});

it.each(REPORTS)('%s needs a signed-in admin or finance user', async (path) => {
  const query = { from: '2025-01-01', to: '2025-01-31' };

  expect((await request(app).get(path).query(query)).status).toBe(401);
  for (const role of ['guest', 'host'] as const) {
    const res = await request(app).get(path).query(query).set(as(role));
    expect([role, res.status, res.type]).toEqual([role, 403, 'application/problem+json']);
  }
});

describe('time ranges', () => {
  const fieldsOf = async (query: Record<string, string>, path = '/analytics/revenue') => {
    const res = await request(app).get(path).query(query).set(as('finance'));
    expect([res.status, res.type]).toEqual([400, 'application/problem+json']);
    return (res.body.errors as { field: string; detail: string }[]).map((e) => `${e.field}: ${e.detail}`);
  };

  it('requires both days', async () => {
    expect(await fieldsOf({ to: '2025-01-31' })).toEqual([expect.stringMatching(/^from: /)]);
    expect(await fieldsOf({})).toEqual([expect.stringMatching(/^from: /), expect.stringMatching(/^to: /)]);
  });

  it('accepts only calendar dates', async () => {
    expect(await fieldsOf({ from: '2025-02-30', to: '2025-03-01' })).toEqual([
      'from: must be a date in YYYY-MM-DD form',
    ]);
    expect(await fieldsOf({ from: '2025-01-01', to: '2025-01-31T00:00:00Z' })).toEqual([
      'to: must be a date in YYYY-MM-DD form',
    ]);
  });

  it('refuses a range that ends before it starts or spans more than 366 days', async () => {
    expect(await fieldsOf({ from: '2025-02-01', to: '2025-01-31' })).toEqual(['to: must not be before from']);
    expect(await fieldsOf({ from: '2024-01-01', to: '2025-01-01' })).toEqual([
      'to: must be at most 366 days from from, both included',
    ]);
  });

  it('names unknown and malformed parameters', async () => {
    const range = { from: '2025-01-01', to: '2025-01-31' };
    expect(await fieldsOf({ ...range, since: 'x' })).toEqual(['since: is not a recognised field']);
    expect(await fieldsOf({ ...range, city: ' ' }, '/analytics/occupancy')).toEqual([
      expect.stringMatching(/^city: /),
    ]);
    expect(await fieldsOf({ ...range, limit: '0' }, '/analytics/listing-views')).toEqual([
      expect.stringMatching(/^limit: /),
    ]);
  });
});
