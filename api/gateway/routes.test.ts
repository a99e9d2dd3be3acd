import { ROUTES, serviceOf, serviceUrlsFrom } from './routes';

const services = Object.keys(
  serviceUrlsFrom({
    USERS_SERVICE_URL: 'http://users',
    BOOKINGS_SERVICE_URL: 'http://bookings',
    PAYMENTS_SERVICE_URL: 'http://payments',
  }),
);

it('lists each method and path once', () => {
  const keys = ROUTES.map((route) => `${route.method} ${route.path}`);
  expect(new Set(keys).size).toBe(keys.length);
});

it('sends every route to a service the gateway is configured with', () => {
  for (const route of ROUTES) expect(services).toContain(serviceOf(route));
});

it('keeps every route under /api/<service> with named parameters only', () => {
  for (const route of ROUTES) expect(route.path).toMatch(/^\/api\/[a-z-]+(\/([a-z.-]+|:[a-zA-Z]+))*$/);
});

it('names at least one role for every role-restricted route', () => {
  for (const route of ROUTES) {
    if (typeof route.access === 'object') expect(route.access.anyOf.length).toBeGreaterThan(0);
  }
});
