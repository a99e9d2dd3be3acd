import type { TestWorkflowEnvironment } from '@temporalio/testing';
import express from 'express';
import type { z } from 'zod';
import { type OpenApiDocument, ServiceApi } from '@kvartirnsk/lib/openapi';
import {
  runBookingScenario,
  type ScenarioBundles,
  startScenarioEnvironment,
} from '@kvartirnsk/workflows/bookings/booking-scenarios';
import type { BookingState } from '@kvartirnsk/workflows/bookings/contract';
import { bookingsRoutes } from './app';
import { bookingsComponents, bookingStateSchema } from './openapi';

// Every state the workflow can report must be describable by the documented schema, and every field of it
// documented (compile time: a field added to the contract and not here fails the type check) ...
type Documented = z.infer<typeof bookingStateSchema>;
type Undocumented<Actual, Schema> = Exclude<keyof Actual, keyof Schema>;
const describable = (state: BookingState): Documented => state;
const allDocumented: [never, never] = [] as unknown as [
  Undocumented<BookingState, Documented>,
  Undocumented<NonNullable<BookingState['quote']>, NonNullable<Documented['quote']>>,
];
void [describable, allDocumented];

let env: TestWorkflowEnvironment | undefined;
let bundles: ScenarioBundles;

beforeAll(async () => {
  ({ env, bundles } = await startScenarioEnvironment());
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

// ... and at run time: states the workflow really ends in parse against it, with no field left undocumented.
it.each(['instant-book-completed', 'cancelled-after-confirmation', 'card-declined'] as const)(
  'documents the state the workflow ends in: %s',
  async (scenario) => {
    const { result } = await runBookingScenario(env!, bundles, scenario);
    const state: unknown = JSON.parse(JSON.stringify(result));
    expect(bookingStateSchema.parse(state)).toEqual(state);
  },
);

it('writes an OpenAPI 3.1 document with every bookings route', () => {
  const api = new ServiceApi({ info: { title: 'bookings', version: '1' }, schemas: bookingsComponents });
  const app = express();
  for (const route of Object.values(bookingsRoutes)) api.mount(app, route, () => undefined);
  const doc: OpenApiDocument = api.document();

  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths).sort()).toEqual([
    '/bookings',
    '/bookings/{id}',
    '/bookings/{id}/approve',
    '/bookings/{id}/cancel',
    '/bookings/{id}/decline',
  ]);
  expect(doc.paths['/bookings']?.post?.responses['201']).toEqual({
    description: 'Created',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/BookingState' } } },
  });
  expect(doc.paths['/bookings/{id}/approve']?.post?.requestBody).toMatchObject({ required: false });
  expect(doc.components.schemas.BookingState).toMatchObject({ type: 'object', required: expect.any(Array) });
});
