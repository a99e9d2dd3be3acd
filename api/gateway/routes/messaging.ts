import { anonymous, signedIn, type RouteRule } from '../route-rule';

export const messagingRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/messaging/openapi.json', access: anonymous },
  { method: 'POST', path: '/api/messaging/conversations', access: signedIn },
  { method: 'GET', path: '/api/messaging/conversations', access: signedIn },
  { method: 'GET', path: '/api/messaging/conversations/:id/messages', access: signedIn },
  { method: 'POST', path: '/api/messaging/conversations/:id/messages', access: signedIn },
  { method: 'POST', path: '/api/messaging/conversations/:id/read', access: signedIn },
  // Each user's own notifications; the service scopes every query to the caller.
  { method: 'GET', path: '/api/messaging/notifications', access: signedIn },
  { method: 'POST', path: '/api/messaging/notifications/:id/read', access: signedIn },
  { method: 'POST', path: '/api/messaging/notifications/read-all', access: signedIn },
  { method: 'GET', path: '/api/messaging/notification-preferences', access: signedIn },
  { method: 'PUT', path: '/api/messaging/notification-preferences', access: signedIn },
];
