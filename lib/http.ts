import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import express, { type Express, type Request, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { USER_ID_HEADER } from './identity';
import { type Logger, requestLogContext } from './logger';
import { httpMetrics, metricsRegistry } from './metrics';
import { notFoundHandler, problemErrorHandler } from './problem';

export const REQUEST_ID_HEADER = 'x-request-id';

export type RequestWithRawBody = Request & { rawBody?: Buffer };

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id (the gateway sets one) so one id follows a request through every service. */
const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.header(REQUEST_ID_HEADER);
  const id = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  res.locals.requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
};

/**
 * From here on every line logged for this request carries its ids, whichever logger logs it. Mounted after body
 * parsing: the parser resumes the chain from the socket's own callbacks, outside any context entered before it.
 */
function logContext(trustIdentityHeaders: boolean): RequestHandler {
  return (req, res, next) => {
    const userId = trustIdentityHeaders ? req.header(USER_ID_HEADER) : undefined;
    requestLogContext.run({ requestId: String(res.locals.requestId), ...(userId ? { userId } : {}) }, next);
  };
}

export interface ServiceAppOptions {
  logger: Logger;
  /** Checked by /health/ready; throw or reject when a dependency is unusable. */
  readiness?: () => Promise<void>;
  /** Largest JSON body accepted; `false` leaves bodies unread, for the gateway that streams them on. */
  bodyLimit?: string | false;
  /**
   * Serve Prometheus metrics at GET /metrics. Services listen on the internal network only; the gateway, whose
   * port is public, turns this off and serves them on an internal port (lib/metrics.ts startMetricsServer).
   */
  metricsEndpoint?: boolean;
  /** Services log the user the gateway named in its identity headers; the gateway itself faces clients. */
  trustIdentityHeaders?: boolean;
  routes: (app: Express) => void;
}

/** The Express skeleton every service shares: ids, logs, metrics, JSON limits, health, problem+json errors. */
export function createServiceApp({
  logger,
  readiness,
  bodyLimit = '100kb',
  metricsEndpoint = true,
  trustIdentityHeaders = true,
  routes,
}: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpMetrics);
  app.use(requestId);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => res.getHeader(REQUEST_ID_HEADER) as string,
      customProps: (_req, res) => ({ requestId: res.getHeader(REQUEST_ID_HEADER) }),
      autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|$)/.test(req.url ?? '') },
    }),
  );
  if (bodyLimit !== false) {
    app.use(
      express.json({
        limit: bodyLimit,
        strict: true,
        // Signed payloads (provider webhooks) are verified over the exact bytes received.
        verify: (req, _res, raw) => {
          (req as RequestWithRawBody).rawBody = raw;
        },
      }),
    );
  }
  app.use(logContext(trustIdentityHeaders));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    try {
      await readiness?.();
      res.json({ status: 'ok' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', detail: (err as Error).message });
    }
  });
  if (metricsEndpoint) {
    app.get('/metrics', async (_req, res) => {
      res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
  }
  routes(app);
  app.use(notFoundHandler);
  app.use(problemErrorHandler(logger));
  return app;
}

/** Spans that lib/telemetry.ts (when preloaded) still holds in its batch leave before the process exits. */
async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as ProxyTracerProvider;
  const sdkProvider = provider.getDelegate() as { forceFlush?: () => Promise<void> };
  await sdkProvider.forceFlush?.();
}

/** Starts listening and drains in-flight requests on SIGTERM/SIGINT before running `onClose`. */
export function serve(
  app: Express,
  port: number,
  host: string,
  logger: Logger,
  onClose: () => Promise<void>,
): Server {
  const server = app.listen(port, host, () => logger.info({ port, host }, 'listening'));
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      onClose()
        .then(flushTraces)
        .then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'error while closing');
            process.exit(1);
          },
        );
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}
