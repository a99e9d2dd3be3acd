import type { Redis } from 'ioredis';
import type { AccessClaims } from './access-tokens';

/**
 * Session state shared through Redis between the users service (writes) and the gateway (reads on every
 * authenticated request, in one round trip):
 *
 * - `user-state:<userId>` holds the user's current token version, or BLOCKED. Tokens carry the version they
 *   were issued with; bumping it (password change) or blocking the user rejects all of them at once. A
 *   missing marker also rejects: the users service writes it whenever it issues a token, so a lost key
 *   costs a refresh, never a revoked token that works again.
 * - `session:<sessionId>` exists while the refresh-token family behind an access token is alive; sign-out
 *   and refresh-token reuse delete it, so the family's access tokens stop at once too.
 */
export const BLOCKED = 'blocked';

export const sessionKeys = {
  userState: (userId: string) => `user-state:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  /** Set of a user's live session ids, to revoke them all (block, password change or reset). */
  userSessions: (userId: string) => `user-sessions:${userId}`,
};

export type SessionStatus = 'active' | 'blocked' | 'revoked';

export async function sessionStatus(redis: Redis, claims: AccessClaims): Promise<SessionStatus> {
  const results = await redis
    .pipeline()
    .get(sessionKeys.userState(claims.userId))
    .exists(sessionKeys.session(claims.sessionId))
    .exec();
  if (!results) throw new Error('Redis pipeline returned nothing');
  for (const [err] of results) if (err) throw err;
  const state = results[0]?.[1] as string | null;
  const sessionAlive = results[1]?.[1] === 1;
  if (state === BLOCKED) return 'blocked';
  if (state !== String(claims.tokenVersion) || !sessionAlive) return 'revoked';
  return 'active';
}
