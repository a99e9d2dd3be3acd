import { anonymous, type RouteRule } from '../route-rule';

export const searchRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/search/openapi.json', access: anonymous },
  { method: 'GET', path: '/api/search/listings', access: anonymous },
];
