import { anonymous, anyOf, signedIn, type RouteRule } from '../route-rule';

// Fixed paths come before `/api/listings/:id`, which would otherwise take them.
export const listingsRoutes: readonly RouteRule[] = [
  { method: 'GET', path: '/api/listings/openapi.json', access: anonymous },
  // The search service's reindex pages through every published listing.
  { method: 'GET', path: '/api/listings/published', access: anonymous },
  { method: 'GET', path: '/api/listings/saved', access: signedIn },
  { method: 'GET', path: '/api/listings/saved/counts', access: anyOf('host', 'admin') },
  { method: 'GET', path: '/api/listings/mine', access: anyOf('host') },
  { method: 'GET', path: '/api/listings/moderation', access: anyOf('admin') },
  { method: 'GET', path: '/api/listings/photos/:file', access: anonymous },
  { method: 'POST', path: '/api/listings', access: anyOf('host') },
  // Guests see the published listing; its host and admins (when signed in) also its draft and moderation.
  { method: 'GET', path: '/api/listings/:id', access: anonymous },
  { method: 'PATCH', path: '/api/listings/:id', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/listings/:id/photos', access: anyOf('host', 'admin') },
  { method: 'PUT', path: '/api/listings/:id/photos/order', access: anyOf('host', 'admin') },
  { method: 'DELETE', path: '/api/listings/:id/photos/:photoId', access: anyOf('host', 'admin') },
  { method: 'PUT', path: '/api/listings/:id/saved', access: signedIn },
  { method: 'DELETE', path: '/api/listings/:id/saved', access: signedIn },
  { method: 'POST', path: '/api/listings/:id/unpublish', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/listings/:id/submit', access: anyOf('host', 'admin') },
  { method: 'POST', path: '/api/listings/:id/approve', access: anyOf('admin') },
  { method: 'POST', path: '/api/listings/:id/reject', access: anyOf('admin') },
];
