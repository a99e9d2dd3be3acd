import { anonymous, anyOf, signedIn, type RouteRule } from '../route-rule';

export const usersRoutes: readonly RouteRule[] = [
  // Accounts and sessions. Refresh and sign-out take the refresh token as their credential, so an
  // expired access token does not stop a client from renewing or ending its session.
  // Each service's own OpenAPI document; the merged one is /api/openapi.json, Swagger UI /api/docs.
  { method: 'GET', path: '/api/users/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/users/sign-up', access: anonymous },
  { method: 'POST', path: '/api/users/sign-in', access: anonymous },
  { method: 'POST', path: '/api/users/refresh', access: anonymous },
  { method: 'POST', path: '/api/users/sign-out', access: anonymous },
  { method: 'POST', path: '/api/users/password-reset', access: anonymous },
  { method: 'POST', path: '/api/users/password-reset/confirm', access: anonymous },
  { method: 'POST', path: '/api/users/email-verification/confirm', access: anonymous },
  { method: 'GET', path: '/api/users/me', access: signedIn },
  { method: 'PATCH', path: '/api/users/me', access: signedIn },
  { method: 'POST', path: '/api/users/me/host', access: signedIn },
  { method: 'POST', path: '/api/users/me/password', access: signedIn },
  { method: 'POST', path: '/api/users/me/email-verification', access: signedIn },
  { method: 'GET', path: '/api/users/profiles', access: signedIn },
  { method: 'GET', path: '/api/users', access: anyOf('admin') },
  { method: 'POST', path: '/api/users/:id/block', access: anyOf('admin') },
  { method: 'POST', path: '/api/users/:id/unblock', access: anyOf('admin') },
];
