import type { RequestHandler } from 'express';
import type { CryptoKey } from 'jose';
import type { Redis } from 'ioredis';
import { verifyAccessToken } from '@kvartirnsk/lib/access-tokens';
import {
  accountBlocked,
  type Actor,
  forbidden,
  identityHeaders,
  USER_ID_HEADER,
  USER_ROLES_HEADER,
} from '@kvartirnsk/lib/identity';
import { ProblemError, problemType, serviceUnavailable } from '@kvartirnsk/lib/problem';
import { sessionStatus } from '@kvartirnsk/lib/sessions';
import type { Access } from './routes';

const unauthenticated = (detail: string, error?: 'invalid_token') =>
  new ProblemError(
    { type: problemType('unauthenticated'), title: 'Sign-in required', status: 401, detail },
    // RFC 6750 §3: tell the client which scheme, and whether the token it sent was the problem.
    { 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' },
  );

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Establishes who is calling and enforces the route's access rule. Whatever identity headers the client
 * sent are dropped first; only a verified token (signature, expiry, and its session and user still valid in
 * Redis, one round trip) sets them for the service. The token itself is not forwarded: services never
 * parse tokens. On anonymous routes a bad token is ignored, so an expired one does not block refresh.
 */
export function authenticate(access: Access, verificationKey: CryptoKey, redis: Redis): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    delete req.headers[USER_ID_HEADER];
    delete req.headers[USER_ROLES_HEADER];
    delete req.headers.authorization;

    const actor = token ? await actorFrom(token, verificationKey, redis, access === 'anonymous') : undefined;
    if (access !== 'anonymous') {
      if (!actor)
        throw unauthenticated(
          token ? 'The access token is invalid, expired or revoked' : 'This request needs a signed-in user',
          token ? 'invalid_token' : undefined,
        );
      if (typeof access === 'object' && !access.anyOf.some((role) => actor.roles.includes(role))) {
        throw forbidden(`This needs one of the roles: ${access.anyOf.join(', ')}`);
      }
    }
    if (actor) {
      res.locals.actor = actor;
      Object.assign(req.headers, identityHeaders(actor));
    }
    next();
  };
}

async function actorFrom(
  token: string,
  verificationKey: CryptoKey,
  redis: Redis,
  optional: boolean,
): Promise<Actor | undefined> {
  const claims = await verifyAccessToken(verificationKey, token);
  if (!claims) return undefined;
  let status;
  try {
    status = await sessionStatus(redis, claims);
  } catch {
    // Fail closed: without Redis we cannot tell a revoked token from a good one.
    if (optional) return undefined;
    throw serviceUnavailable('Cannot check the session right now; try again shortly');
  }
  if (status === 'blocked' && !optional) throw accountBlocked();
  if (status !== 'active') return undefined;
  return { userId: claims.userId, roles: claims.roles };
}
