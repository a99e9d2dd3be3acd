import { url } from '@kvartirnsk/lib/config';
import type { Role } from '@kvartirnsk/lib/identity';

/**
 * Where each service lives: `/api/<service>/...` goes to that service's `/<service>/...`. Each service owns
 * its top-level path, so the gateway needs no rewrite rules beyond dropping `/api`.
 */
export const serviceUrlConfigShape = {
  USERS_SERVICE_URL: url('http://127.0.0.1:4001'),
  BOOKINGS_SERVICE_URL: url('http://127.0.0.1:4002'),
  PAYMENTS_SERVICE_URL: url('http://127.0.0.1:4003'),
};

export type ServiceUrls = Record<string, string>;

export function serviceUrlsFrom(config: {
  USERS_SERVICE_URL: string;
  BOOKINGS_SERVICE_URL: string;
  PAYMENTS_SERVICE_URL: string;
}): ServiceUrls {
  return {
    users: config.USERS_SERVICE_URL,
    bookings: config.BOOKINGS_SERVICE_URL,
    payments: config.PAYMENTS_SERVICE_URL,
  };
}

/** Who may call a route: anyone, any signed-in user, or a user holding at least one of the roles. */
export type Access = 'anonymous' | 'signed-in' | { anyOf: readonly Role[] };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRule {
  method: Method;
  /** Express 5 path pattern under /api; the first segment names the service. */
  path: string;
  access: Access;
}

const anonymous = 'anonymous';
const signedIn = 'signed-in';
const anyOf = (...roles: Role[]) => ({ anyOf: roles });

/**
 * Every public route, the only ones the gateway forwards; anything else is a 404 here. Services check the
 * same rules again from the identity headers, but this table is where access is decided and tested.
 */
export const ROUTES: readonly RouteRule[] = [
  // users: accounts and sessions. Refresh and sign-out take the refresh token as their credential, so an
  // expired access token does not stop a client from renewing or ending its session.
  // Each service's own OpenAPI document; the merged one is /api/openapi.json, Swagger UI /api/docs.
  { method: 'GET', path: '/api/users/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/users/sign-up', access: anonymous },
  { method: 'POST', path: '/api/users/sign-in', access: anonymous },
  { method: 'POST', path: '/api/users/refresh', access: anonymous },
  { method: 'POST', path: '/api/users/sign-out', access: anonymous },
  { method: 'POST', path: '/api/users/password-reset', access: anonymous },
  { method: 'POST', path: '/api/users/password-reset/confirm', access: anonymous },
  { method: 'POST', path: '/api/users/email-verification/confirm', access: anonymous },
  { method: 'GET', path: '/api/users/me', access: signedIn },
  { method: 'PATCH', path: '/api/users/me', access: signedIn },
  { method: 'POST', path: '/api/users/me/host', access: signedIn },
  { method: 'POST', path: '/api/users/me/password', access: signedIn },
  { method: 'POST', path: '/api/users/me/email-verification', access: signedIn },
  { method: 'GET', path: '/api/users', access: anyOf('admin') },
  { method: 'POST', path: '/api/users/:id/block', access: anyOf('admin') },
  { method: 'POST', path: '/api/users/:id/unblock', access: anyOf('admin') },
  // bookings
  { method: 'GET', path: '/api/bookings/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/bookings', access: signedIn },
  { method: 'GET', path: '/api/bookings', access: signedIn },
  { method: 'GET', path: '/api/bookings/:id', access: signedIn },
  { method: 'POST', path: '/api/bookings/:id/approve', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/bookings/:id/decline', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/bookings/:id/cancel', access: signedIn },
  // payments: the provider's webhook proves itself with its signature, not a token
  { method: 'GET', path: '/api/payments/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/payments/webhooks/stripe', access: anonymous },
  { method: 'GET', path: '/api/payments/ledger/balances', access: anyOf('finance', 'admin') },
  { method: 'GET', path: '/api/payments/bookings/:id/trail', access: anyOf('finance', 'admin') },
  { method: 'POST', path: '/api/payments/bookings/:id/refunds', access: anyOf('finance', 'admin') },
];

export function serviceOf(route: RouteRule): string {
  const service = route.path.split('/')[2];
  if (!service) throw new Error(`Route ${route.path} names no service`);
  return service;
}
