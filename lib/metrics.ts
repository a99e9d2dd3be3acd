import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { Logger } from './logger';
import type { Money } from './money';

/**
 * One registry per process: HTTP, process and business metrics of every app and activity in it. A pool or
 * service is one process, so Prometheus's job and instance labels tell them apart.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests served, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  registers: [metricsRegistry],
});

const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving an HTTP request to finishing its response, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Requests that matched no route share one label value, so probing random paths cannot explode the series. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The route pattern (`/bookings/:id`), never the raw path, so ids do not become label values. */
export function routePatternOf(req: Request): string {
  const { route } = req as { route?: { path: unknown } };
  return route ? `${req.baseUrl}${String(route.path)}` : UNMATCHED_ROUTE;
}

/** Counts and times every request once its response is over (finished or aborted). */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const labels = { method: req.method, route: routePatternOf(req), status_code: String(res.statusCode) };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
  next();
};

// ---------------------------------------------------------------------------------------------- business

export const BOOKING_OUTCOMES = [
  'confirmed',
  'completed',
  'declined',
  'expired',
  'cancelled',
  'failed',
] as const;
export type BookingOutcome = (typeof BOOKING_OUTCOMES)[number];

/** The ledger's transaction kinds: each is money moving between accounts (holds included). */
export const MONEY_MOVEMENT_KINDS = [
  'authorization',
  'capture',
  'void',
  'refund',
  'earning',
  'payout',
  'earning_reversal',
  'transfer_reversal',
] as const;
export type MoneyMovementKind = (typeof MONEY_MOVEMENT_KINDS)[number];

const bookingOutcomes = new Counter({
  name: 'kvartirnsk_bookings_total',
  help: 'Bookings that reached a state worth counting, by outcome',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const moneyMoved = new Counter({
  name: 'kvartirnsk_money_moved_kopecks_total',
  help: 'Money moved through the ledger, in minor units (kopecks), by kind and currency',
  labelNames: ['kind', 'currency'] as const,
  registers: [metricsRegistry],
});

/**
 * Call once the state change is committed and only when this call made it (not on a retry that found it done),
 * so an activity retried after a crash does not count twice.
 */
export function countBookingOutcome(outcome: BookingOutcome): void {
  bookingOutcomes.inc({ outcome });
}

/** Call once the ledger posting is committed and only when this call inserted it (postings are idempotent). */
export function countMoneyMoved(kind: MoneyMovementKind, amount: Money): void {
  moneyMoved.inc({ kind, currency: amount.currency }, Math.abs(amount.amount));
}

// --------------------------------------------------------------------------- internal metrics + health port

export const metricsConfigShape = {
  /** Internal port for Prometheus and probes; 0 picks a free one (logged), so parallel test runs never clash. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
};

export interface MetricsServerOptions {
  port: number;
  host: string;
  logger: Logger;
  /** Checked by /health/ready; throw or reject when the process should get no work. */
  readiness?: () => Promise<void>;
  /** More Prometheus text appended to /metrics, e.g. what the Temporal SDK's own exporter serves. */
  moreMetrics?: () => Promise<string>;
}

export interface MetricsServer {
  /** The port actually bound (a configured 0 picks any free one). */
  port: number;
  close(): Promise<void>;
}

/**
 * /metrics, /health/live and /health/ready on a port of their own, for processes without an HTTP API (worker
 * pools) and for the gateway, whose API port is public.
 */
export async function startMetricsServer({
  port,
  host,
  logger,
  readiness,
  moreMetrics,
}: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const reply = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'content-type': contentType }).end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      Promise.all([metricsRegistry.metrics(), moreMetrics?.() ?? ''])
        .then(([own, more]) => reply(200, metricsRegistry.contentType, more ? `${own}\n${more}` : own))
        .catch((err: unknown) => {
          logger.error({ err }, 'collecting metrics failed');
          reply(500, 'text/plain', 'collecting metrics failed\n');
        });
      return;
    }
    if (path === '/health/live') return reply(200, 'application/json', '{"status":"ok"}');
    if (path === '/health/ready') {
      Promise.resolve(readiness?.())
        .then(() => reply(200, 'application/json', '{"status":"ok"}'))
        .catch((err: unknown) =>
          reply(
            503,
            'application/json',
            JSON.stringify({ status: 'unavailable', detail: (err as Error).message }),
          ),
        );
      return;
    }
    reply(404, 'text/plain', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  logger.info({ port: bound, host }, 'metrics and health listening');
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
