import type { RouteRule } from '../route-rule';

export const geoRoutes: readonly RouteRule[] = [];
