import type { ClientRequest } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { ProblemError, problemType, sendProblem } from '@kvartirnsk/lib/problem';
import { spendBudget } from '@kvartirnsk/lib/rate-limits';

export { requestBudget } from '@kvartirnsk/lib/rate-limits';

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

export function limitPerAddress(limiter: RateLimiterRedis): RequestHandler {
  return async (req, _res, next) => {
    await spendBudget(limiter, req.ip ?? 'unknown', 'address');
    next();
  };
}
