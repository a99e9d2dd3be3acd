import type { ClientRequest } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ProblemError, problemType, sendProblem } from '@kvartirnsk/lib/problem';
import type { Actor } from '@kvartirnsk/lib/identity';

const tooLarge = (limit: number) => ({
  type: problemType('body-too-large'),
  title: 'Request body too large',
  status: 413,
  detail: `Request bodies may be at most ${limit} bytes`,
});

/**
 * Rejects a body that says it is too large before anything else happens. The gateway streams bodies on
 * unread, so one sent without a length (chunked) is counted as it passes; see `limitStreamedBody`.
 */
export function declaredBodyLimit(limit: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.header('content-length') ?? 0);
    if (declared > limit) throw new ProblemError(tooLarge(limit));
    next();
  };
}

/** Called as the proxy starts piping the body upstream; cuts it off and answers 413 past the limit. */
export function limitStreamedBody(req: Request, res: Response, proxyReq: ClientRequest, limit: number): void {
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit || res.headersSent) return;
    req.unpipe(proxyReq);
    sendProblem(res, { ...tooLarge(limit), instance: req.originalUrl }, { connection: 'close' });
    proxyReq.destroy();
  });
}

/**
 * A fixed-window request budget per key in Redis, so every gateway instance draws on the same budget. If
 * Redis is unreachable the per-instance memory limiter takes over: degraded, but still limited and up.
 */
export function requestBudget(redis: Redis, name: string, perMinute: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `gateway-budget:${name}`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
}

async function spend(limiter: RateLimiterRedis, key: string, what: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw new ProblemError(
      {
        type: problemType('rate-limited'),
        title: 'Too many requests',
        status: 429,
        detail: `Too many requests from this ${what}; try again in ${retryAfter} s`,
        retryAfterSeconds: retryAfter,
      },
      { 'retry-after': String(retryAfter) },
    );
  }
}

export function limitPerAddress(limiter: RateLimiterRedis): RequestHandler {
  return async (req, _res, next) => {
    await spend(limiter, req.ip ?? 'unknown', 'address');
    next();
  };
}

/** After authentication: signed-in callers also spend from their own budget, wherever they connect from. */
export function limitPerUser(limiter: RateLimiterRedis): RequestHandler {
  return async (_req, res, next) => {
    const actor = res.locals.actor as Actor | undefined;
    if (actor) await spend(limiter, actor.userId, 'user');
    next();
  };
}
