import type { Handle, HandleServerError } from '@sveltejs/kit/hooks';
import { LOCALE_COOKIE, resolveLocale } from '#lib/locale.ts';
import { api, ApiError, clearSession, hasSession, type SessionUser } from '#lib/server/gateway.ts';

export const handle: Handle = async ({ event, resolve }) => {
  const fromQuery = event.url.searchParams.get('lang');
  const locale = resolveLocale(fromQuery, event.cookies.get(LOCALE_COOKIE));

  // An explicit ?lang= choice is remembered for later visits. The cookie holds no secret, so it is readable
  // by the page and not `secure`, to keep plain-http hosts working.
  if (fromQuery === locale) {
    event.cookies.set(LOCALE_COOKIE, locale, {
      path: '/',
      sameSite: 'lax',
      httpOnly: false,
      secure: false,
      maxAge: 60 * 60 * 24 * 365,
    });
  }
  event.locals.locale = locale;

  // Who is signed in, asked of the users service on each page request (a blocked account stops at once).
  event.locals.user = null;
  if (hasSession(event.cookies) && !event.url.pathname.startsWith('/_app/') && !event.url.pathname.startsWith('/api/')) {
    try {
      event.locals.user = await api<SessionUser>(event, '/api/users/me');
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) clearSession(event);
      else if (!(err instanceof ApiError)) throw err;
    }
  }

  return resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%kv.lang%', locale),
  });
};

export const handleError: HandleServerError = (caught) => {
  // App and framework errors already carry their status and message; only unexpected ones are logged.
  if (caught.kind !== 'unknown') return;
  console.error(`unexpected error on ${caught.event.url.pathname}`, caught.error);
  return { message: 'Internal error' };
};
