import { ROUTES, SERVICE_PORTS, serviceOf, serviceUrlConfigShape, serviceUrlsFrom } from './routes';

const services = Object.keys(SERVICE_PORTS);

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

it('reads each service URL from its own variable, defaulting to the local port', () => {
  const urls = serviceUrlsFrom({
    ...Object.fromEntries(Object.keys(serviceUrlConfigShape).map((k) => [k, 'x'])),
    BOOKINGS_SERVICE_URL: 'http://bookings:80',
  });

  expect(urls.bookings).toBe('http://bookings:80');
  expect(Object.keys(urls)).toEqual(services);
  expect(serviceUrlConfigShape.USERS_SERVICE_URL?.parse(undefined)).toBe(
    `http://127.0.0.1:${SERVICE_PORTS.users}`,
  );
});
