import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Client } from '@temporalio/client';
import mongoose from 'mongoose';
import { listingModel } from '@kvartirnsk/activities/listings/listing';
import { mergeDocuments } from '@kvartirnsk/api-gateway/openapi';
import { listingsRoutes as gatewayRoutes } from '@kvartirnsk/api-gateway/routes/listings';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createListingsApp } from './app';
import { LocalPhotoStorage } from './photos';

// The real app with a Mongo connection that never connects and no Temporal: serving its document touches
// neither, so this needs nothing running.
let server: Server;
let listingsUrl: string;

beforeAll(async () => {
  const app = createListingsApp({
    Listing: listingModel(mongoose.createConnection()),
    temporal: {} as Client,
    photos: new LocalPhotoStorage('/nonexistent'),
    logger: createLogger('listings-openapi-test', 'silent'),
    settings: {
      policy: { autoPublish: 'trusted_hosts', escalateAfter: '1 day' },
      nightlyPriceRange: { min: 50_000, max: 50_000_000 },
      photoBaseUrl: '/api/listings/photos',
      maxPhotoBytes: 1_000_000,
    },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  listingsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const documentedAs = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

it("documents exactly the gateway's listings routes, in a valid OpenAPI 3.1 document", async () => {
  const doc = await mergeDocuments({ listings: listingsUrl }, gatewayRoutes);

  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(validator.version).toBe('3.1');
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(operations.sort()).toEqual(
    gatewayRoutes.map((route) => `${route.method} ${documentedAs(route.path)}`).sort(),
  );
});

it('declares bearer security exactly where the gateway asks for a sign-in', async () => {
  const doc = await mergeDocuments({ listings: listingsUrl }, gatewayRoutes);

  for (const route of gatewayRoutes) {
    const operation = doc.paths[documentedAs(route.path)]?.[route.method.toLowerCase()];
    expect([route.path, operation?.security]).toEqual([
      route.path,
      route.access === 'anonymous' ? [] : [{ bearerAuth: [] }],
    ]);
    if (typeof route.access === 'object') expect(Object.keys(operation?.responses ?? {})).toContain('403');
  }
});
