import type { ClientRequest } from 'node:http';
import cors from 'cors';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Redis } from 'ioredis';
import type { CryptoKey } from 'jose';
import { createServiceApp, REQUEST_ID_HEADER } from '@kvartirnsk/lib/http';
import type { Logger } from '@kvartirnsk/lib/logger';
import { problemType, sendProblem } from '@kvartirnsk/lib/problem';
import { gatekeeper } from './auth';
import type { GatewayLimits } from './config';
import { mountApiDocs } from './openapi';
import { declaredBodyLimit, limitPerAddress, limitStreamedBody, requestBudget } from './limits';
import { ROUTES, type RouteRule, serviceOf, type ServiceUrls } from './routes';

const HEALTH_TIMEOUT_MS = 2_000;
const UPSTREAM_TIMEOUT_MS = 15_000;

async function isReady(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/health/ready', baseUrl), {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export interface GatewayDeps {
  services: ServiceUrls;
  redis: Redis;
  verificationKey: CryptoKey;
  limits: GatewayLimits;
  webOrigin: string;
  logger: Logger;
  /** The public route table; tests may pass their own. */
  routes?: readonly RouteRule[];
}

export function createGatewayApp({
  services,
  redis,
  verificationKey,
  limits,
  webOrigin,
  logger,
  routes = ROUTES,
}: GatewayDeps) {
  const perAddress = requestBudget(redis, 'address', limits.RATE_LIMIT_PER_ADDRESS_PER_MINUTE);
  const perUser = requestBudget(redis, 'user', limits.RATE_LIMIT_PER_USER_PER_MINUTE);

  function proxyTo(name: string, target: string) {
    return createProxyMiddleware<Request, Response>({
      target,
      // Routes are registered with their full path, so req.url still starts with /api.
      pathRewrite: (path) => path.replace(/^\/api(?=\/)/, ''),
      // Only the upstream side: a `timeout` on the client's socket would add a listener per request to every
      // kept-alive connection (MaxListenersExceededWarning under load); client timeouts are the server's own.
      proxyTimeout: UPSTREAM_TIMEOUT_MS,
      xfwd: true,
      on: {
        proxyReq: (proxyReq: ClientRequest, req, res) => {
          proxyReq.setHeader(REQUEST_ID_HEADER, String(res.locals.requestId));
          // The client address as this gateway established it; whatever the client claimed is not passed on.
          proxyReq.setHeader('x-forwarded-for', req.ip ?? '');
          limitStreamedBody(req, res, proxyReq, limits.BODY_LIMIT_BYTES);
        },
        error: (err, req, res) => {
          logger.warn({ err, service: name }, 'upstream unavailable');
          const response = res as Response;
          if (response.headersSent || !('status' in response)) return;
          sendProblem(response, {
            type: problemType('service-unavailable'),
            title: 'Service unavailable',
            status: 503,
            detail: `The ${name} service is not answering; try again shortly`,
            instance: req.originalUrl,
          });
        },
      },
    });
  }

  return createServiceApp({
    logger,
    bodyLimit: false,
    // This port is public: metrics go on an internal one (server.ts), and clients' identity headers are not
    // believed, not even in logs.
    metricsEndpoint: false,
    trustIdentityHeaders: false,
    routes(app) {
      app.use(helmet());
      app.use(
        '/api',
        cors({
          origin: webOrigin,
          methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
          allowedHeaders: ['authorization', 'content-type', REQUEST_ID_HEADER],
          exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'location', 'www-authenticate'],
          maxAge: 600,
        }),
      );
      app.use('/api', declaredBodyLimit(limits.BODY_LIMIT_BYTES));

      // Table routes spend the address budget in the same Redis round trip as the session check (auth.ts);
      // everything else under /api spends it on its own, below.
      const admit = gatekeeper({ verificationKey, redis, budgets: { perAddress, perUser } });
      const proxies = new Map(
        Object.entries(services).map(([name, target]) => [name, proxyTo(name, target)]),
      );
      for (const route of routes) {
        const proxy = proxies.get(serviceOf(route));
        // A route to a service this gateway was not given is left out, and so answers 404.
        if (!proxy) continue;
        const method = route.method.toLowerCase() as Lowercase<RouteRule['method']>;
        app[method](route.path, admit(route.access), proxy);
      }

      app.use('/api', limitPerAddress(perAddress));

      app.get('/api/health', async (_req, res) => {
        const entries = await Promise.all(
          Object.entries(services).map(
            async ([name, base]) => [name, (await isReady(base)) ? 'up' : 'down'] as const,
          ),
        );
        const status = entries.every(([, state]) => state === 'up') ? 'ok' : 'degraded';
        res.status(status === 'ok' ? 200 : 503).json({ status, services: Object.fromEntries(entries) });
      });

      mountApiDocs(app, { services, routes, logger });
    },
  });
}
