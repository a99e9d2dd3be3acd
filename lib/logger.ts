import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/** What every line logged while serving one request carries, whichever logger the code at hand was given. */
export interface RequestLogContext {
  requestId: string;
  userId?: string;
}

export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

/**
 * The ids that join a line to its request and its trace. Lines whose logger already binds them (pino-http's
 * per-request child) are left alone, so no key appears twice.
 */
function correlationIds(_merge: object, _level: number, logger: Logger): Record<string, string> {
  const ids: Record<string, string> = {};
  const request = requestLogContext.getStore();
  if (request) {
    const bound = logger.bindings();
    if (!('requestId' in bound)) ids.requestId = request.requestId;
    if (request.userId && !('userId' in bound)) ids.userId = request.userId;
  }
  const span = trace.getActiveSpan()?.spanContext();
  if (span && isSpanContextValid(span)) {
    ids.traceId = span.traceId;
    ids.spanId = span.spanId;
  }
  return ids;
}

/**
 * One pino root logger per process, named after the service; callers derive children that carry
 * request, user, workflow and run ids so every line can be joined across services.
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: correlationIds,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.cardNumber'],
      censor: '[redacted]',
    },
  });
}
