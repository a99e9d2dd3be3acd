import { anonymous, anyOf, type RouteRule } from '../route-rule';

const financeOrAdmin = anyOf('finance', 'admin');

export const paymentsRoutes: readonly RouteRule[] = [
  // The provider's webhook proves itself with its signature, not a token
  { method: 'GET', path: '/api/payments/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/payments/webhooks/stripe', access: anonymous },
  { method: 'GET', path: '/api/payments/ledger/balances', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/ledger/entries/export.csv', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/bookings/:id/trail', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/bookings/:id/trail/export.csv', access: financeOrAdmin },
  { method: 'POST', path: '/api/payments/bookings/:id/refunds', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/bookings/:id/disputes', access: financeOrAdmin },
  { method: 'POST', path: '/api/payments/bookings/:id/disputes', access: financeOrAdmin },
  { method: 'POST', path: '/api/payments/bookings/:id/disputes/:disputeId/settle', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/reconciliation/reports', access: financeOrAdmin },
  { method: 'POST', path: '/api/payments/reconciliation/reports', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/reconciliation/reports/:id', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/reconciliation/reports/:id/export.csv', access: financeOrAdmin },
  { method: 'GET', path: '/api/payments/payouts', access: anyOf('host') },
];
