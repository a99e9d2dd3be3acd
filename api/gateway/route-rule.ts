import type { Role } from '@kvartirnsk/lib/identity';

/** Who may call a route: anyone, any signed-in user, or a user holding at least one of the roles. */
export type Access = 'anonymous' | 'signed-in' | { anyOf: readonly Role[] };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRule {
  method: Method;
  /** Express 5 path pattern under /api; the first segment names the service. */
  path: string;
  access: Access;
}

export const anonymous = 'anonymous';
export const signedIn = 'signed-in';
export const anyOf = (...roles: Role[]) => ({ anyOf: roles });
