import { url } from '@kvartirnsk/lib/config';
import type { RouteRule } from './route-rule';
import { analyticsRoutes } from './routes/analytics';
import { bookingsRoutes } from './routes/bookings';
import { geoRoutes } from './routes/geo';
import { listingsRoutes } from './routes/listings';
import { messagingRoutes } from './routes/messaging';
import { paymentsRoutes } from './routes/payments';
import { reviewsRoutes } from './routes/reviews';
import { searchRoutes } from './routes/search';
import { usersRoutes } from './routes/users';

export type { Access, Method, RouteRule } from './route-rule';

/**
 * Every service behind the gateway and its local port. `/api/<service>/...` goes to that service's
 * `/<service>/...`: each service owns its top-level path, so the gateway needs no rewrite rules beyond
 * dropping `/api`. Each URL is configurable as `<SERVICE>_SERVICE_URL`.
 */
export const SERVICE_PORTS = {
  users: 4001,
  bookings: 4002,
  payments: 4003,
  listings: 4004,
  search: 4005,
  geo: 4006,
  reviews: 4007,
  messaging: 4008,
  analytics: 4009,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
export type ServiceUrls = Record<string, string>;

const SERVICE_NAMES = Object.keys(SERVICE_PORTS) as ServiceName[];
const urlVariable = (service: ServiceName) => `${service.toUpperCase()}_SERVICE_URL`;

export const serviceUrlConfigShape = Object.fromEntries(
  SERVICE_NAMES.map((service) => [urlVariable(service), url(`http://127.0.0.1:${SERVICE_PORTS[service]}`)]),
);

export function serviceUrlsFrom(config: Record<string, unknown>): ServiceUrls {
  return Object.fromEntries(SERVICE_NAMES.map((service) => [service, String(config[urlVariable(service)])]));
}

/**
 * Every public route, the only ones the gateway forwards; anything else is a 404 here. Services check the
 * same rules again from the identity headers, but these tables are where access is decided and tested.
 */
export const ROUTES: readonly RouteRule[] = [
  ...usersRoutes,
  ...bookingsRoutes,
  ...paymentsRoutes,
  ...listingsRoutes,
  ...searchRoutes,
  ...geoRoutes,
  ...reviewsRoutes,
  ...messagingRoutes,
  ...analyticsRoutes,
];

export function serviceOf(route: RouteRule): string {
  const service = route.path.split('/')[2];
  if (!service) throw new Error(`Route ${route.path} names no service`);
  return service;
}
