import { anonymous, anyOf, signedIn, type RouteRule } from '../route-rule';

// The reviews service checks who is a party of each booking; the table only keeps out who can never be one.
export const reviewsRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/reviews/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/reviews/bookings/:bookingId/guest', access: signedIn },
  { method: 'POST', path: '/api/reviews/bookings/:bookingId/host', access: signedIn },
  { method: 'GET', path: '/api/reviews/bookings/:bookingId', access: signedIn },
  { method: 'GET', path: '/api/reviews/listings/:listingId', access: anonymous },
  { method: 'GET', path: '/api/reviews/users/:userId', access: anonymous },
  { method: 'POST', path: '/api/reviews/:id/reply', access: anyOf('host') },
  { method: 'POST', path: '/api/reviews/:id/hide', access: anyOf('admin') },
];
