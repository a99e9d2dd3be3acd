import { dirname } from 'node:path';
import express, { type Express } from 'express';
import {
  BEARER_SCHEME,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  openApiPath,
  problemResponse,
} from '@kvartirnsk/lib/openapi';
import type { Logger } from '@kvartirnsk/lib/logger';
import { type RouteRule, serviceOf, type ServiceUrls } from './routes';

/**
 * The public API document: each service's own OpenAPI document (GET /<service>/openapi.json), fetched at
 * request time, narrowed to the operations the route table forwards, moved under /api, and given the
 * gateway's access rules and the answers the gateway itself may give (401, 403, 429, 503).
 */

const FETCH_TIMEOUT_MS = 2_000;
/** Long enough to spare the services a fetch per page view, short enough that a restarted service shows up. */
const CACHE_MS = 10_000;

const SCHEMA_REF = '#/components/schemas/';

type FetchDocument = (service: string, baseUrl: string) => Promise<OpenApiDocument>;

async function fetchServiceDocument(service: string, baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(new URL(`/${service}/openapi.json`, baseUrl), {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`answered ${res.status}`);
  const doc = (await res.json()) as Partial<OpenApiDocument> | null;
  if (typeof doc?.openapi !== 'string' || typeof doc.paths !== 'object' || doc.paths === null)
    throw new Error('answered with something that is not an OpenAPI document');
  return doc as OpenApiDocument;
}

/** Rewrites every `$ref` to a component schema through `rename`. */
function renameRefs(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, rename));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) =>
      key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF)
        ? [key, SCHEMA_REF + rename(item.slice(SCHEMA_REF.length))]
        : [key, renameRefs(item, rename)],
    ),
  );
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function accessNote(rule: RouteRule): string {
  if (rule.access === 'anonymous') return 'Access: anyone.';
  if (rule.access === 'signed-in') return 'Access: any signed-in user.';
  return `Access: users with the role ${rule.access.anyOf.join(' or ')}.`;
}

/** The operation as the gateway exposes it: its access rule decides security and the 401/403 answers. */
function gatewayOperation(operation: OpenApiOperation, rule: RouteRule): OpenApiOperation {
  const responses = { ...operation.responses };
  const add = (status: number) => {
    responses[String(status)] ??= problemResponse(status);
  };
  if (rule.access !== 'anonymous') add(401);
  if (typeof rule.access === 'object') add(403);
  if (operation.requestBody) add(413);
  add(429);
  add(503);
  return {
    ...operation,
    description: [operation.description, accessNote(rule)].filter(Boolean).join('\n\n'),
    security: rule.access === 'anonymous' ? [] : [{ [BEARER_SCHEME]: [] }],
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export async function mergeDocuments(
  services: ServiceUrls,
  routes: readonly RouteRule[],
  fetchDocument: FetchDocument = fetchServiceDocument,
): Promise<OpenApiDocument> {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Kvartirnsk API',
      version: '1',
      description:
        'Everything goes through the gateway under /api. Sign in with POST /api/users/sign-in and send ' +
        'the access token as `Authorization: Bearer <token>`. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/', description: 'this gateway' }],
    tags: [],
    paths: {},
    components: {
      schemas: {},
      securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
  const names = [...new Set(routes.map(serviceOf))].filter((name) => name in services);
  const results = await Promise.allSettled(
    names.map((name) => fetchDocument(name, services[name] as string)),
  );
  const unavailable: string[] = [];
  const tags: { name: string }[] = [];
  results.forEach((result, index) => {
    const service = names[index] as string;
    if (result.status === 'rejected') {
      unavailable.push(service);
      return;
    }
    tags.push({ name: service });
    const doc = result.value;
    // Same name and same schema (Problem) is shared; a clash gets the service's prefix.
    const renames = new Map<string, string>();
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      const existing = merged.components.schemas[name];
      const clash = existing && JSON.stringify(existing) !== JSON.stringify(schema);
      renames.set(name, clash ? capitalized(service) + name : name);
    }
    const rename = (name: string) => renames.get(name) ?? name;
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      merged.components.schemas[rename(name)] = renameRefs(schema, rename) as JsonSchema;
    }
    for (const rule of routes) {
      if (serviceOf(rule) !== service) continue;
      const servicePath = openApiPath(rule.path.replace(/^\/api(?=\/)/, ''));
      const operation = doc.paths[servicePath]?.[rule.method.toLowerCase()];
      if (!operation) continue;
      const renamed = renameRefs(operation, rename) as OpenApiOperation;
      (merged.paths[openApiPath(rule.path)] ??= {})[rule.method.toLowerCase()] = {
        ...gatewayOperation(renamed, rule),
        tags: [service],
      };
    }
  });
  merged.tags = tags;
  if (unavailable.length > 0) {
    merged.info.description += `\n\n**Partial document:** not answering now: ${unavailable.join(', ')}.`;
    merged['x-unavailable-services'] = unavailable;
  }
  merged.components.schemas.Problem ??= problemSchemaFallback;
  return merged;
}

/** Used only when no service answered, so the gateway's own problem responses still resolve. */
const problemSchemaFallback: JsonSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
  },
  required: ['type', 'title', 'status'],
};

export interface ApiDocsOptions {
  services: ServiceUrls;
  routes: readonly RouteRule[];
  logger: Logger;
  fetchDocument?: FetchDocument;
}

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** GET /api/openapi.json (the merged document) and Swagger UI at /api/docs, served from swagger-ui-dist. */
export function mountApiDocs(app: Express, { services, routes, logger, fetchDocument }: ApiDocsOptions) {
  let cache: { at: number; doc: Promise<OpenApiDocument> } | undefined;
  const current = () => {
    if (!cache || Date.now() - cache.at > CACHE_MS) {
      const doc = mergeDocuments(services, routes, fetchDocument);
      cache = { at: Date.now(), doc };
      doc.then(
        (merged) => {
          const missing = merged['x-unavailable-services'];
          // A partial document is not kept, so the next request asks the services again.
          if (missing && cache?.doc === doc) cache = undefined;
          if (missing) logger.warn({ services: missing }, 'partial API document');
        },
        () => {
          if (cache?.doc === doc) cache = undefined;
        },
      );
    }
    return cache.doc;
  };

  app.get('/api/openapi.json', async (_req, res) => {
    res.json(await current());
  });

  app.get('/api/docs/swagger-initializer.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        `window.onload = () => { window.ui = SwaggerUIBundle({ url: '/api/openapi.json', ` +
          `dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true, ` +
          `presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], ` +
          `plugins: [SwaggerUIBundle.plugins.DownloadUrl], layout: 'StandaloneLayout' }); };\n`,
      );
  });
  // Helmet's default policy upgrades requests to https, which a plain-http local gateway cannot serve.
  app.use('/api/docs', (_req, res, next) => {
    res.setHeader(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'",
    );
    next();
  });
  // Relative asset URLs in index.html need the trailing slash.
  app.get('/api/docs', (req, res, next) => {
    if (req.originalUrl.split('?')[0]?.endsWith('/')) next();
    else res.redirect(301, '/api/docs/');
  });
  app.use('/api/docs', express.static(SWAGGER_UI_DIR, { index: 'index.html', maxAge: '1h' }));
}
