import { anonymous, signedIn, type RouteRule } from '../route-rule';

export const messagingRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/messaging/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/messaging/conversations', access: signedIn },
  { method: 'GET', path: '/api/messaging/conversations', access: signedIn },
  { method: 'GET', path: '/api/messaging/conversations/:id/messages', access: signedIn },
  { method: 'POST', path: '/api/messaging/conversations/:id/messages', access: signedIn },
  { method: 'POST', path: '/api/messaging/conversations/:id/read', access: signedIn },
];
