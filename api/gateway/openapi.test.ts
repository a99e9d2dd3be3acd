import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { signingKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { createLogger } from '@kvartirnsk/lib/logger';
import type { OpenApiDocument } from '@kvartirnsk/lib/openapi';
import { createDb } from '@kvartirnsk/lib/postgres';
import type { BookingsDatabase } from '@kvartirnsk/activities/bookings/schema';
import type Stripe from 'stripe';
import type { PaymentsDatabase } from '@kvartirnsk/activities/payments/schema';
import { createBookingsApp } from '@kvartirnsk/api-bookings/app';
import { createPaymentsApp } from '@kvartirnsk/api-payments/app';
import { createUsersApp } from '@kvartirnsk/api-users/app';
import type { UsersDatabase } from '@kvartirnsk/api-users/schema';
import mongoose from 'mongoose';
import { listingModel } from '@kvartirnsk/activities/listings/listing';
import { requestBudget } from '@kvartirnsk/lib/rate-limits';
import { createGeoApp } from '@kvartirnsk/api-geo/app';
import { Gazetteer } from '@kvartirnsk/api-geo/gazetteer';
import { createListingsApp } from '@kvartirnsk/api-listings/app';
import { LocalPhotoStorage } from '@kvartirnsk/api-listings/photos';
import { createMessagingApp } from '@kvartirnsk/api-messaging/app';
import { createSearchApp } from '@kvartirnsk/api-search/app';
import { createAnalyticsApp } from '@kvartirnsk/api-analytics/app';
import type { AnalyticsDatabase } from '@kvartirnsk/api-analytics/schema';
import { createReviewsApp } from '@kvartirnsk/api-reviews/app';
import type { ReviewModels } from '@kvartirnsk/activities/reviews/models';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import { messagingModels } from '@kvartirnsk/api-messaging/models';
import { mergeDocuments } from './openapi';
import { ROUTES } from './routes';

// The real users, bookings and payments apps, built with clients that never connect (serving their documents touches
// no database, Redis or Temporal), so this needs nothing running.
const logger = createLogger('openapi-test', 'silent');
const UNREACHABLE_PG = 'postgres://nobody@127.0.0.1:1/none';
const servers: Server[] = [];
const lazyRedis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
const unreachableSearch = createSearchClient('http://127.0.0.1:1');
let services: Record<string, string>;

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const users = createUsersApp({
    db: createDb<UsersDatabase>({ url: UNREACHABLE_PG }),
    redis: lazyRedis,
    signingKey: await signingKeyFrom({ NODE_ENV: 'test' }),
    config: {
      REFRESH_TOKEN_TTL_SECONDS: 60,
      ACCESS_TOKEN_TTL_SECONDS: 60,
      SIGN_IN_SLOWDOWN_AFTER: 3,
      SIGN_IN_LOCK_AFTER: 10,
      SIGN_IN_ADDRESS_LOCK_AFTER: 50,
      SIGN_IN_FAILURE_WINDOW_SECONDS: 60,
      SIGN_IN_LOCK_SECONDS: 60,
      TRUSTED_PROXIES: 'loopback',
    },
    logger,
  });
  const bookings = createBookingsApp({
    db: createDb<BookingsDatabase>({ url: UNREACHABLE_PG }),
    temporal: {} as Client,
    logger,
    terms: { approvalWindow: '24 hours' },
  });
  const payments = createPaymentsApp({
    db: createDb<PaymentsDatabase>({ url: UNREACHABLE_PG }),
    temporal: {} as Client,
    stripe: {} as Stripe,
    webhookSecret: 'whsec_unused',
    logger,
  });
  const unconnectedMongo = mongoose.createConnection();
  const listings = createListingsApp({
    Listing: listingModel(unconnectedMongo),
    temporal: {} as Client,
    photos: new LocalPhotoStorage('/nonexistent'),
    logger,
    settings: {
      policy: { autoPublish: 'trusted_hosts', escalateAfter: '1 day' },
      nightlyPriceRange: { min: 50_000, max: 50_000_000 },
      photoBaseUrl: '/api/listings/photos',
      maxPhotoBytes: 1_000_000,
    },
  });
  const geo = createGeoApp({ gazetteer: Gazetteer.load(), logger });
  const messaging = createMessagingApp({
    models: messagingModels(mongoose.createConnection()),
    live: { toUser: () => undefined },
    sendBudget: requestBudget(lazyRedis, 'unused', 1),
    logger,
  });
  const search = createSearchApp({ client: unreachableSearch, alias: 'listings', logger });
  services = {
    users: await listen(users),
    bookings: await listen(bookings),
    payments: await listen(payments),
    listings: await listen(listings),
    search: await listen(search),
    geo: await listen(geo),
    analytics: await listen(
      createAnalyticsApp({ db: createDb<AnalyticsDatabase>({ url: UNREACHABLE_PG }), logger }),
    ),
    reviews: await listen(createReviewsApp({ models: {} as ReviewModels, temporal: {} as Client, logger })),
    messaging: await listen(messaging),
  };
});

afterAll(async () => {
  lazyRedis.disconnect();
  await unreachableSearch.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const operations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
const documentedAs = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

it('merges the services into one valid OpenAPI 3.1 document', async () => {
  const doc = await mergeDocuments(services, ROUTES);

  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
});

it('documents every route of the route table, and nothing the gateway does not forward', async () => {
  const doc = await mergeDocuments(services, ROUTES);

  expect(operations(doc).sort()).toEqual(
    ROUTES.map((route) => `${route.method} ${documentedAs(route.path)}`).sort(),
  );
  expect(doc['x-unavailable-services']).toBeUndefined();
});

it("gives each operation the route table's access rule", async () => {
  const doc = await mergeDocuments(services, ROUTES);

  for (const route of ROUTES) {
    const operation = doc.paths[documentedAs(route.path)]?.[route.method.toLowerCase()];
    const responses = Object.keys(operation?.responses ?? {});
    if (route.access === 'anonymous') {
      expect([route.path, operation?.security]).toEqual([route.path, []]);
    } else {
      expect([route.path, operation?.security]).toEqual([route.path, [{ bearerAuth: [] }]]);
      expect(responses).toContain('401');
    }
    if (typeof route.access === 'object') expect(responses).toContain('403');
    expect(responses).toEqual(expect.arrayContaining(['429', '503']));
  }
});

it('gives a partial document with a note when a service does not answer', async () => {
  const doc = await mergeDocuments({ ...services, bookings: 'http://127.0.0.1:1' }, ROUTES);

  expect(doc['x-unavailable-services']).toEqual(['bookings']);
  expect(doc.info.description).toContain('not answering now: bookings');
  expect(Object.keys(doc.paths).some((path) => path.startsWith('/api/bookings'))).toBe(false);
  expect(doc.paths['/api/users/me']?.get).toBeDefined();
  expect((await new Validator().validate(doc as unknown as Record<string, unknown>)).valid).toBe(true);
});
