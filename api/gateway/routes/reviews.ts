import type { RouteRule } from '../route-rule';

export const reviewsRoutes: readonly RouteRule[] = [];
