import type { RouteRule } from '../route-rule';

export const searchRoutes: readonly RouteRule[] = [];
