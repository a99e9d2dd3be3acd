import { anonymous, anyOf, signedIn, type RouteRule } from '../route-rule';

export const bookingsRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/bookings/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/bookings', access: signedIn },
  { method: 'GET', path: '/api/bookings', access: signedIn },
  { method: 'GET', path: '/api/bookings/:id', access: signedIn },
  { method: 'POST', path: '/api/bookings/:id/approve', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/bookings/:id/decline', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/bookings/:id/cancel', access: signedIn },
];
