import { anonymous, anyOf, type RouteRule } from '../route-rule';

const adminOrFinance = anyOf('admin', 'finance');

export const analyticsRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/analytics/openapi.json', access: anonymous },
  { method: 'GET', path: '/api/analytics/funnel', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/occupancy', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/revenue', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/host-response', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/moderation', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/searches', access: adminOrFinance },
  { method: 'GET', path: '/api/analytics/listing-views', access: adminOrFinance },
];
