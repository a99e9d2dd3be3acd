import { error, fail, redirect } from '@sveltejs/kit';
import { messages } from '#lib/i18n.ts';
import type { Locale } from '#lib/locale.ts';
import { describeProblem } from '#lib/problem.ts';
import { ApiError, type SessionUser } from './gateway.ts';

interface GuardEvent {
  locals: App.Locals;
  url: URL;
}

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export function requireUser(event: GuardEvent): SessionUser {
  if (event.locals.user) return event.locals.user;
  const next = event.url.pathname + event.url.search;
  redirect(303, `/signin?next=${encodeURIComponent(next)}`);
}

/** The signed-in user holding one of these roles; others get the error page in their language. */
export function requireRole(event: GuardEvent, ...roles: string[]): SessionUser {
  const user = requireUser(event);
  if (!roles.some((role) => user.roles.includes(role))) {
    error(403, { message: messages(event.locals.locale).forbiddenPage, localised: true });
  }
  return user;
}

/**
 * A failed form action's answer: the problem in the reader's words, and what was typed (minus secrets).
 * A 401 on a signed-in call means the session is gone, so it goes to sign-in; sign-in's own 401 is a
 * wrong password and is answered on the form (`anonymous`).
 */
export function actionFailure(
  err: unknown,
  locale: Locale,
  values: Record<string, unknown> = {},
  { anonymous = false } = {},
) {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 401 && !anonymous) redirect(303, '/signin');
  return fail(err.status >= 500 ? 503 : err.status, { ...describeProblem(err.problem, locale), values });
}

/** For page loads: an API failure becomes the error page with a message the reader understands. */
export function pageFailure(err: unknown, locale: Locale): never {
  if (!(err instanceof ApiError)) throw err;
  if (err.status === 401) redirect(303, '/signin');
  error(err.status >= 500 ? 503 : err.status, { message: describeProblem(err.problem, locale).message, localised: true });
}

/** Only same-site paths are followed after sign-in, so a crafted link cannot send people elsewhere. */
export function safeNext(raw: string | null): string {
  return raw && raw.startsWith('/') && !raw.startsWith('//') ? raw : '/';
}
