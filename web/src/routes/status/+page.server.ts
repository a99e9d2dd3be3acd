import { GATEWAY_PUBLIC_URL, GATEWAY_URL, TEMPORAL_UI_URL } from '$app/env/private';
import type { PageServerLoad } from './$types';

export type ServiceState = 'up' | 'down';

export type SystemStatus =
  | { gateway: 'up'; overall: 'ok' | 'degraded'; services: { name: string; state: ServiceState }[] }
  | { gateway: 'down'; reason: string };

const HEALTH_TIMEOUT_MS = 2000;

function parseHealth(body: unknown): SystemStatus {
  if (typeof body !== 'object' || body === null) {
    return { gateway: 'down', reason: 'unexpected response body' };
  }
  const { status, services } = body as { status?: unknown; services?: unknown };
  const list =
    typeof services === 'object' && services !== null
      ? Object.entries(services as Record<string, unknown>)
          .map(([name, state]): { name: string; state: ServiceState } => ({
            name,
            state: state === 'up' ? 'up' : 'down',
          }))
          .sort((a, b) => a.name.localeCompare(b.name))
      : [];
  const overall = status === 'ok' && list.every((s) => s.state === 'up') ? 'ok' : 'degraded';
  return { gateway: 'up', overall, services: list };
}

async function fetchStatus(fetch: typeof globalThis.fetch): Promise<SystemStatus> {
  try {
    const res = await fetch(new URL('/api/health', GATEWAY_URL), {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    // A degraded gateway may answer 503 with the same JSON body, so read it either way.
    const body: unknown = await res.json().catch(() => null);
    if (body === null) return { gateway: 'down', reason: `unexpected response (HTTP ${res.status})` };
    return parseHealth(body);
  } catch (err) {
    const reason =
      err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
        ? `no answer within ${HEALTH_TIMEOUT_MS} ms`
        : 'connection failed';
    return { gateway: 'down', reason };
  }
}

export const load: PageServerLoad = async ({ fetch, locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const gatewayPublic = GATEWAY_PUBLIC_URL ?? GATEWAY_URL;
  return {
    locale: locals.locale,
    status: await fetchStatus(fetch),
    checkedAt: new Date().toISOString(),
    links: {
      temporalUi: TEMPORAL_UI_URL,
      apiDocs: new URL('/api/docs', gatewayPublic).href,
    },
  };
};
