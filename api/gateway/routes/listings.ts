import type { RouteRule } from '../route-rule';

export const listingsRoutes: readonly RouteRule[] = [];
