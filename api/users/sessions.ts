import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BLOCKED, sessionKeys } from '@kvartirnsk/lib/sessions';

/**
 * Refresh tokens and the session markers the gateway checks (see lib/sessions.ts).
 *
 * A session is a refresh-token family: `session:<id>` is a hash { userId, current } where `current` is the
 * sha256 of the one refresh token that may be used next; `session:<id>:used` holds the hashes of tokens
 * already rotated away. Presenting `current` rotates it; presenting a used one means a copy of the token
 * exists somewhere else, so the whole family is revoked (OAuth 2.0 Security BCP §4.14). A token is
 * `<sessionId>.<secret>`: the session id locates the family without storing anything under the token.
 */
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const usedKey = (sessionId: string) => `${sessionKeys.session(sessionId)}:used`;

// KEYS: session hash, used set. ARGV: presented hash, next hash, ttl seconds.
const ROTATE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'current')
if not current then return {'unknown', false} end
local userId = redis.call('HGET', KEYS[1], 'userId')
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'current', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  return {'rotated', userId}
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'reused', userId}
end
return {'unknown', false}
`;

// KEYS: user state. ARGV: token version. Never overwrites BLOCKED or a newer version written concurrently.
const PUBLISH_VERSION_SCRIPT = `
local state = redis.call('GET', KEYS[1])
if state == '${BLOCKED}' then return 0 end
if not state or tonumber(state) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

const REFRESH_TOKEN_PATTERN = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export type RotateResult =
  | { outcome: 'rotated'; userId: string; sessionId: string; refreshToken: string }
  | { outcome: 'reused'; userId: string; sessionId: string }
  | { outcome: 'invalid' };

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly refreshTtlSeconds: number,
  ) {}

  private static newSecret(sessionId: string): string {
    return `${sessionId}.${randomBytes(32).toString('base64url')}`;
  }

  /** Starts a new family and returns its first refresh token. */
  async start(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = randomUUID();
    const refreshToken = SessionStore.newSecret(sessionId);
    await this.redis
      .multi()
      .hset(sessionKeys.session(sessionId), { userId, current: sha256(refreshToken) })
      .expire(sessionKeys.session(sessionId), this.refreshTtlSeconds)
      .sadd(sessionKeys.userSessions(userId), sessionId)
      .expire(sessionKeys.userSessions(userId), this.refreshTtlSeconds)
      .exec();
    return { sessionId, refreshToken };
  }

  async rotate(refreshToken: string): Promise<RotateResult> {
    const match = REFRESH_TOKEN_PATTERN.exec(refreshToken);
    if (!match) return { outcome: 'invalid' };
    const sessionId = match[1]!;
    const next = SessionStore.newSecret(sessionId);
    const [outcome, userId] = (await this.redis.eval(
      ROTATE_SCRIPT,
      2,
      sessionKeys.session(sessionId),
      usedKey(sessionId),
      sha256(refreshToken),
      sha256(next),
      this.refreshTtlSeconds,
    )) as [string, string | null];
    if (outcome === 'rotated' && userId) return { outcome, userId, sessionId, refreshToken: next };
    if (outcome === 'reused' && userId) {
      await this.redis.srem(sessionKeys.userSessions(userId), sessionId);
      return { outcome, userId, sessionId };
    }
    return { outcome: 'invalid' };
  }

  /** Sign-out: ends the family the token belongs to, if the token is (or was) really part of it. */
  async end(refreshToken: string): Promise<boolean> {
    const match = REFRESH_TOKEN_PATTERN.exec(refreshToken);
    if (!match) return false;
    const sessionId = match[1]!;
    const hash = sha256(refreshToken);
    const [session, used] = await Promise.all([
      this.redis.hgetall(sessionKeys.session(sessionId)),
      this.redis.sismember(usedKey(sessionId), hash),
    ]);
    if (!session.userId || (session.current !== hash && used !== 1)) return false;
    await this.revoke(session.userId, [sessionId]);
    return true;
  }

  async revokeAll(userId: string): Promise<void> {
    await this.revoke(userId, await this.redis.smembers(sessionKeys.userSessions(userId)));
  }

  private async revoke(userId: string, sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.redis
      .multi()
      .del(...sessionIds.flatMap((id) => [sessionKeys.session(id), usedKey(id)]))
      .srem(sessionKeys.userSessions(userId), ...sessionIds)
      .exec();
  }

  /** Makes tokens of this version acceptable to the gateway; false when the user is blocked meanwhile. */
  async publishTokenVersion(userId: string, tokenVersion: number): Promise<boolean> {
    const applied = await this.redis.eval(
      PUBLISH_VERSION_SCRIPT,
      1,
      sessionKeys.userState(userId),
      tokenVersion,
    );
    return applied === 1;
  }

  async markBlocked(userId: string): Promise<void> {
    await this.redis.set(sessionKeys.userState(userId), BLOCKED);
  }

  /** Unblocking (or a deliberate version bump) overwrites whatever is there, BLOCKED included. */
  async forceTokenVersion(userId: string, tokenVersion: number): Promise<void> {
    await this.redis.set(sessionKeys.userState(userId), String(tokenVersion));
  }
}
