import { anonymous, anyOf, type RouteRule } from '../route-rule';

export const paymentsRoutes: readonly RouteRule[] = [
  // The provider's webhook proves itself with its signature, not a token
  { method: 'GET', path: '/api/payments/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/payments/webhooks/stripe', access: anonymous },
  { method: 'GET', path: '/api/payments/ledger/balances', access: anyOf('finance', 'admin') },
  { method: 'GET', path: '/api/payments/bookings/:id/trail', access: anyOf('finance', 'admin') },
  { method: 'POST', path: '/api/payments/bookings/:id/refunds', access: anyOf('finance', 'admin') },
];
