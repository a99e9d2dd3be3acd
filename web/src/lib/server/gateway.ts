import { GATEWAY_URL } from '$app/env/private';
import type { Cookies } from '@sveltejs/kit';
import { asProblem, type Problem } from '#lib/problem.ts';

// Every call the web server makes goes to the gateway with the caller's access token from an httpOnly
// cookie. The tokens never reach browser JavaScript: a 401 is answered here by rotating the refresh token
// once and retrying, so a page load survives an access token that expired a second ago.

export const ACCESS_COOKIE = 'kv_access';
export const REFRESH_COOKIE = 'kv_refresh';
const REFRESH_MAX_AGE_S = 60 * 60 * 24 * 30;
const CALL_TIMEOUT_MS = 15_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  languages: string[];
  roles: string[];
  blocked: boolean;
  emailVerified: boolean;
  createdAt: string;
  locale: string;
}

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: SessionUser;
}

/** An API answer that was not a success, with its problem document. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The parts of a request event the client needs: cookies for the tokens, the URL to decide `secure`. */
export interface CallContext {
  cookies: Cookies;
  url: URL;
  fetch: typeof globalThis.fetch;
}

export function storeSession(ctx: Pick<CallContext, 'cookies' | 'url'>, tokens: TokenResponse): void {
  const base = { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.url.protocol === 'https:' } as const;
  ctx.cookies.set(ACCESS_COOKIE, tokens.accessToken, { ...base, maxAge: tokens.expiresIn });
  ctx.cookies.set(REFRESH_COOKIE, tokens.refreshToken, { ...base, maxAge: REFRESH_MAX_AGE_S });
}

export function clearSession(ctx: Pick<CallContext, 'cookies'>): void {
  ctx.cookies.delete(ACCESS_COOKIE, { path: '/' });
  ctx.cookies.delete(REFRESH_COOKIE, { path: '/' });
}

interface CallOptions {
  method?: string;
  body?: unknown;
  /** Multipart or other raw bodies are passed through as they are. */
  rawBody?: BodyInit;
  /** Calls made on nobody's behalf (sign-in, refresh) carry no token. */
  anonymous?: boolean;
}

async function send(ctx: CallContext, path: string, options: CallOptions, token: string | undefined) {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token && !options.anonymous) headers.authorization = `Bearer ${token}`;
  try {
    return await ctx.fetch(new URL(path, GATEWAY_URL), {
      method: options.method ?? 'GET',
      headers,
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError({ status: 503, type: 'https://kvartirnsk.ru/problems/service-unavailable' });
  }
}

/** Rotates the refresh token; false when there is none or it was refused (the session is then cleared). */
export async function refreshSession(ctx: CallContext): Promise<boolean> {
  const refreshToken = ctx.cookies.get(REFRESH_COOKIE);
  if (!refreshToken) return false;
  const res = await send(ctx, '/api/users/refresh', { method: 'POST', body: { refreshToken }, anonymous: true }, undefined);
  if (!res.ok) {
    if (res.status < 500) clearSession(ctx);
    return false;
  }
  storeSession(ctx, (await res.json()) as TokenResponse);
  return true;
}

/** Calls the gateway and returns the parsed JSON body (undefined for 204), or throws an ApiError. */
export async function api<T>(ctx: CallContext, path: string, options: CallOptions = {}): Promise<T> {
  let res = await send(ctx, path, options, ctx.cookies.get(ACCESS_COOKIE));
  if (res.status === 401 && !options.anonymous && (await refreshSession(ctx))) {
    res = await send(ctx, path, options, ctx.cookies.get(ACCESS_COOKIE));
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(asProblem(body, res.status));
  return body as T;
}

/** Calls the gateway for a non-JSON body (CSV exports), with the same token handling as `api`. */
export async function apiRaw(ctx: CallContext, path: string): Promise<Response> {
  let res = await send(ctx, path, {}, ctx.cookies.get(ACCESS_COOKIE));
  if (res.status === 401 && (await refreshSession(ctx))) res = await send(ctx, path, {}, ctx.cookies.get(ACCESS_COOKIE));
  if (!res.ok) throw new ApiError(asProblem(await res.json().catch(() => undefined), res.status));
  return res;
}

/** Whether there is any session to try (the access token may have expired; the refresh token may still work). */
export function hasSession(cookies: Cookies): boolean {
  return Boolean(cookies.get(ACCESS_COOKIE) ?? cookies.get(REFRESH_COOKIE));
}
