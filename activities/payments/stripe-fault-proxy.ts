import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test support: an HTTP proxy in front of stripe-mock that adds what stripe-mock lacks and what the real
 * Stripe does — declines for Stripe's decline test cards, and idempotency (a repeated Idempotency-Key gets
 * the first response back, marked Idempotent-Replayed) — and injects the provider faults we must survive:
 * 5xx answers, 429s with Retry-After, requests that hang, and connections reset mid-request. It records every
 * call, so tests can count the money movements that really happened per payment.
 */
export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 }
  /** Too many requests: the answer says after how many seconds to come back. */
  | { kind: 'status'; status: 429; retryAfterSeconds?: number }
  | { kind: 'hang' }
  /**
   * The socket is destroyed mid-request. `applied`: only after the provider carried the request out, so the
   * money moved and the caller never heard — the case only an idempotency key makes safe to retry.
   */
  | { kind: 'reset'; applied: boolean };

export interface ProviderCall {
  method: string;
  path: string;
  idempotencyKey?: string;
  status: number;
  /** True when the provider answered from its idempotency cache and moved no money. */
  replayed: boolean;
  faulted: boolean;
  /** The provider carried it out but the connection was reset before the answer reached the caller. */
  answerLost: boolean;
  /** When the proxy received it (ms since the epoch). */
  at: number;
}

export interface StripeFaultProxy {
  url: string;
  calls: ProviderCall[];
  /** Faults apply to calls whose path matches, until cleared; `times` limits how many calls get one. */
  inject(fault: Fault, match?: { path?: RegExp; times?: number }): void;
  clearFaults(): void;
  /** Calls that took effect at the provider (neither faulted nor replayed; lost answers count), per path pattern. */
  effective(path: RegExp): ProviderCall[];
  close(): Promise<void>;
}

/** Stripe's test payment methods that always decline. */
const DECLINING_PAYMENT_METHODS = new Set(['pm_card_chargeDeclined', 'pm_card_visa_chargeDeclined']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startStripeFaultProxy(target: string): Promise<StripeFaultProxy> {
  const upstream = new URL(target);
  const calls: ProviderCall[] = [];
  const replies = new Map<string, { status: number; body: Buffer }>();
  let faults: Array<{ fault: Fault; path?: RegExp; remaining: number }> = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const at = Date.now();
      const record = (status: number, replayed = false, faulted = false, answerLost = false) =>
        calls.push({
          method: req.method ?? 'GET',
          path,
          idempotencyKey,
          status,
          replayed,
          faulted,
          answerLost,
          at,
        });

      const active = faults.find((f) => f.remaining > 0 && (!f.path || f.path.test(path)));
      if (active) active.remaining -= 1;
      // Answered as usual (from the idempotency cache, or by stripe-mock), but the answer never leaves.
      let resetAfterProvider = false;
      if (active?.fault.kind === 'reset') {
        if (!active.fault.applied) {
          record(0, false, true);
          req.socket.destroy();
          return;
        }
        resetAfterProvider = true;
      } else if (active) {
        if (active.fault.kind === 'hang') {
          record(0, false, true);
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        const { fault } = active;
        record(fault.status, false, true);
        sendJson(
          res,
          fault.status,
          {
            error: {
              type: fault.status === 429 ? 'rate_limit_error' : 'api_error',
              message: 'injected fault',
            },
          },
          fault.status === 429 && fault.retryAfterSeconds !== undefined
            ? { 'retry-after': String(fault.retryAfterSeconds) }
            : {},
        );
        return;
      }

      const cached = idempotencyKey ? replies.get(idempotencyKey) : undefined;
      if (cached) {
        record(cached.status, true, false, resetAfterProvider);
        if (resetAfterProvider) {
          req.socket.destroy();
          return;
        }
        res.writeHead(cached.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
        res.end(cached.body);
        return;
      }

      const form = new URLSearchParams(body.toString('utf8'));
      if (req.method === 'POST' && DECLINING_PAYMENT_METHODS.has(form.get('payment_method') ?? '')) {
        const declined = {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          },
        };
        const encoded = Buffer.from(JSON.stringify(declined));
        if (idempotencyKey) replies.set(idempotencyKey, { status: 402, body: encoded });
        record(402);
        sendJson(res, 402, declined);
        return;
      }

      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (upstreamRes) => {
          void readBody(upstreamRes).then((reply) => {
            const status = upstreamRes.statusCode ?? 502;
            if (idempotencyKey && status < 500) replies.set(idempotencyKey, { status, body: reply });
            record(status, false, false, resetAfterProvider);
            if (resetAfterProvider) {
              req.socket.destroy();
              return;
            }
            res.writeHead(status, upstreamRes.headers);
            res.end(reply);
          });
        },
      );
      forwarded.on('error', () => {
        record(502, false, true);
        sendJson(res, 502, { error: { type: 'api_error', message: 'stripe-mock unreachable' } });
      });
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    inject(fault, match = {}) {
      faults.push({ fault, path: match.path, remaining: match.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      faults = [];
      for (const res of hanging) res.destroy();
    },
    effective(pattern) {
      return calls.filter(
        (call) => pattern.test(call.path) && !call.replayed && !call.faulted && call.status < 400,
      );
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
