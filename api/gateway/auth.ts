import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { CryptoKey } from 'jose';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { type AccessClaims, cachingTokenVerifier } from '@kvartirnsk/lib/access-tokens';
import {
  accountBlocked,
  type Actor,
  forbidden,
  identityHeaders,
  type Role,
  USER_ID_HEADER,
  USER_ROLES_HEADER,
} from '@kvartirnsk/lib/identity';
import { ProblemError, problemType, serviceUnavailable } from '@kvartirnsk/lib/problem';
import {
  budgetScriptArgs,
  refuseIfOverBudget,
  SPEND_BUDGET_LUA,
  spendBudget,
} from '@kvartirnsk/lib/rate-limits';
import { BLOCKED, sessionKeys, type SessionStatus } from '@kvartirnsk/lib/sessions';
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
 * Everything a request with a verified token needs from Redis, in one round trip and atomically: its session
 * status (the rule of lib/sessions.ts: the user's marker must hold the token's version and the session must
 * be alive; BLOCKED wins), one point from the address budget, and one from the user's budget only if the
 * session is active and the route lets the user's roles in, as the separate steps used to.
 */
const ADMIT_LUA = `${SPEND_BUDGET_LUA}
local state = redis.call('get', KEYS[1])
local session_alive = redis.call('exists', KEYS[2]) == 1
local status = 'revoked'
if state == ARGV[5] then
  status = 'blocked'
elseif state == ARGV[2] and session_alive then
  status = 'active'
end
local address = spend_budget(KEYS[3], ARGV[1])
local user = {0, 0}
if status == 'active' and ARGV[3] == '1' then user = spend_budget(KEYS[4], ARGV[4]) end
return {status, address[1], address[2], user[1], user[2]}
`;

type AdmitReply = [SessionStatus, number, number, number, number];
type AdmittingRedis = Redis & {
  gatewayAdmit(...keysThenArgs: string[]): Promise<AdmitReply>;
};

export interface Budgets {
  perAddress: RateLimiterRedis;
  perUser: RateLimiterRedis;
}

interface Admission {
  status: SessionStatus;
  address: { points: number; msLeft: number };
  user: { points: number; msLeft: number };
}

const rolesAllow = (access: Access, roles: readonly Role[]) =>
  typeof access !== 'object' || access.anyOf.some((role) => roles.includes(role));

/**
 * Establishes who is calling, enforces the route's access rule and spends the caller's rate budgets. Whatever
 * identity headers the client sent are dropped first; only a verified token (its signature checked once per token,
 * its expiry, session and user on every request) sets them for the service. The token itself is
 * not forwarded: services never parse tokens. On anonymous routes a bad token is ignored, so an expired one
 * does not block refresh. Order of answers: address over budget (429), blocked (403), no valid session (401),
 * role (403), user over budget (429).
 */
export function gatekeeper({
  verificationKey,
  redis,
  budgets,
}: {
  verificationKey: CryptoKey;
  redis: Redis;
  budgets: Budgets;
}): (access: Access) => RequestHandler {
  // ioredis prefixes the script's KEYS like any other command's, and runs it by its digest (EVALSHA).
  redis.defineCommand('gatewayAdmit', { numberOfKeys: 4, lua: ADMIT_LUA });
  const admitting = redis as AdmittingRedis;
  const verifyAccessToken = cachingTokenVerifier(verificationKey);

  async function sessionAndBudgets(
    claims: AccessClaims,
    address: string,
    spendUserBudget: boolean,
  ): Promise<Admission> {
    const addressBudget = budgetScriptArgs(budgets.perAddress, address);
    const userBudget = budgetScriptArgs(budgets.perUser, claims.userId);
    const [status, addressPoints, addressMsLeft, userPoints, userMsLeft] = await admitting.gatewayAdmit(
      sessionKeys.userState(claims.userId),
      sessionKeys.session(claims.sessionId),
      addressBudget.key,
      userBudget.key,
      String(addressBudget.windowSeconds),
      String(claims.tokenVersion),
      spendUserBudget ? '1' : '0',
      String(userBudget.windowSeconds),
      BLOCKED,
    );
    return {
      status,
      address: { points: addressPoints, msLeft: addressMsLeft },
      user: { points: userPoints, msLeft: userMsLeft },
    };
  }

  return (access) => async (req, res, next) => {
    const optional = access === 'anonymous';
    const token = bearerToken(req.headers.authorization);
    delete req.headers[USER_ID_HEADER];
    delete req.headers[USER_ROLES_HEADER];
    delete req.headers.authorization;
    const address = req.ip ?? 'unknown';

    const claims = token ? await verifyAccessToken(token) : undefined;
    let actor: Actor | undefined;
    if (!claims) {
      await spendBudget(budgets.perAddress, address, 'address');
    } else {
      const allowed = rolesAllow(access, claims.roles);
      let admission: Admission | undefined;
      try {
        admission = await sessionAndBudgets(claims, address, allowed);
      } catch {
        // Redis is away: the address budget falls back to this instance's memory, and without Redis we cannot
        // tell a revoked token from a good one, so no identity (fail closed).
        await spendBudget(budgets.perAddress, address, 'address');
        if (!optional) throw serviceUnavailable('Cannot check the session right now; try again shortly');
      }
      if (admission) {
        refuseIfOverBudget(budgets.perAddress, admission.address, 'address');
        if (admission.status === 'blocked' && !optional) throw accountBlocked();
        if (admission.status === 'active') {
          actor = { userId: claims.userId, roles: claims.roles };
          if (allowed) refuseIfOverBudget(budgets.perUser, admission.user, 'user');
        }
      }
    }
    if (!optional) {
      if (!actor)
        throw unauthenticated(
          token ? 'The access token is invalid, expired or revoked' : 'This request needs a signed-in user',
          token ? 'invalid_token' : undefined,
        );
      if (typeof access === 'object' && !rolesAllow(access, actor.roles)) {
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
