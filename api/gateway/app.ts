import type { ClientRequest } from 'node:http';
import type { Request, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { createServiceApp, REQUEST_ID_HEADER } from '@kvartirnsk/lib/http';
import type { Logger } from '@kvartirnsk/lib/logger';
import { problemType, sendProblem } from '@kvartirnsk/lib/problem';
import type { ServiceUrls } from './routes';

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

export function createGatewayApp({ services, logger }: { services: ServiceUrls; logger: Logger }) {
  return createServiceApp({
    logger,
    bodyLimit: false,
    routes(app) {
      app.get('/api/health', async (_req, res) => {
        const entries = await Promise.all(
          Object.entries(services).map(
            async ([name, base]) => [name, (await isReady(base)) ? 'up' : 'down'] as const,
          ),
        );
        const status = entries.every(([, state]) => state === 'up') ? 'ok' : 'degraded';
        res.status(status === 'ok' ? 200 : 503).json({ status, services: Object.fromEntries(entries) });
      });

      for (const [name, target] of Object.entries(services)) {
        app.use(
          `/api/${name}`,
          createProxyMiddleware<Request, Response>({
            target,
            // Express strips the mount path; put the service's own prefix back.
            pathRewrite: (path) => `/${name}${path === '/' ? '' : path}`,
            proxyTimeout: UPSTREAM_TIMEOUT_MS,
            timeout: UPSTREAM_TIMEOUT_MS,
            xfwd: true,
            on: {
              proxyReq: (proxyReq: ClientRequest, _req, res) => {
                proxyReq.setHeader(REQUEST_ID_HEADER, String(res.locals.requestId));
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
          }),
        );
      }
    },
  });
}
