import { anonymous, type RouteRule } from '../route-rule';

// The gazetteer is public knowledge: search, city pages and the map need it before anyone signs in.
export const geoRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/geo/openapi.json', access: anonymous },
  { method: 'GET', path: '/api/geo/cities', access: anonymous },
  { method: 'GET', path: '/api/geo/cities/:id', access: anonymous },
  { method: 'GET', path: '/api/geo/reverse', access: anonymous },
];
