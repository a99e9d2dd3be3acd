import pino, { type Logger } from 'pino';

export type { Logger };

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
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.cardNumber'],
      censor: '[redacted]',
    },
  });
}
