import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { parseOrThrow } from './problem';

/**
 * Routes declared once: the declaration registers the Express handler, carries the zod schemas the handler
 * validates with (`route.body(req)`, `route.query(req)`, `route.params(req)`), and is what the service's
 * OpenAPI 3.1 document is generated from, so the document cannot drift from what the service accepts.
 * Schemas become JSON Schema 2020-12 (OpenAPI 3.1's dialect) with zod's own `z.toJSONSchema`.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `bearer`: the gateway wants an access token; `anonymous`: anyone may call it. */
export type Security = 'bearer' | 'anonymous';

/** A success response: its JSON body, or `null` for one without a body (204, 202 without content). */
export type SuccessResponse = z.ZodType | null;

type AnyObject = z.ZodType<Record<string, unknown>>;

export interface RouteSpec<
  Params extends AnyObject | undefined = AnyObject | undefined,
  Query extends AnyObject | undefined = AnyObject | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Express path, e.g. `/bookings/:id/approve`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  security: Security;
  params?: Params;
  query?: Query;
  body?: Body;
  /** Whether a body must be sent at all (default true when `body` is given). */
  bodyRequired?: boolean;
  /** Success status → body schema. */
  responses: Record<number, SuccessResponse>;
  /** Error statuses this route answers with problem+json, besides the ones implied (400, 401, 413, 415). */
  problems?: number[];
}

export interface Route<
  Params extends AnyObject | undefined = AnyObject | undefined,
  Query extends AnyObject | undefined = AnyObject | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
> {
  readonly spec: RouteSpec<Params, Query, Body>;
  /** Validates the request's body with the declared schema (a 400 naming each bad field otherwise). */
  body(req: Request): Body extends z.ZodType ? z.infer<Body> : never;
  query(req: Request): Query extends z.ZodType ? z.infer<Query> : never;
  params(req: Request): Params extends z.ZodType ? z.infer<Params> : never;
}

function missing(what: string, spec: RouteSpec): never {
  throw new Error(`${spec.method.toUpperCase()} ${spec.path} declares no ${what} schema`);
}

export function defineRoute<
  Params extends AnyObject | undefined = undefined,
  Query extends AnyObject | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<Params, Query, Body>): Route<Params, Query, Body> {
  type R = Route<Params, Query, Body>;
  const s = spec as RouteSpec;
  return {
    spec,
    // An optional body that was not sent is validated as `{}`, so its schema's defaults apply.
    body: (req) =>
      parseOrThrow(
        s.body ?? missing('body', s),
        s.bodyRequired === false ? ((req.body as unknown) ?? {}) : req.body,
      ) as ReturnType<R['body']>,
    query: (req) => parseOrThrow(s.query ?? missing('query', s), req.query) as ReturnType<R['query']>,
    params: (req) => parseOrThrow(s.params ?? missing('params', s), req.params) as ReturnType<R['params']>,
  };
}

// ---------------------------------------------------------------- problem+json (RFC 9457, lib/problem.ts)

export const fieldErrorSchema = z.object({
  field: z.string(),
  pointer: z.string(),
  detail: z.string(),
});

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .catchall(z.unknown());

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No content',
  400: 'Invalid request',
  401: 'Sign-in required or credentials wrong',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported body encoding',
  429: 'Too many requests; see Retry-After',
  500: 'Internal server error',
  503: 'Service unavailable; see Retry-After',
};

export const statusText = (status: number) => STATUS_TEXT[status] ?? `Status ${status}`;

export function problemResponse(status: number) {
  return {
    description: statusText(status),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

// ---------------------------------------------------------------- the document

/** The parts of OpenAPI 3.1 this module writes; the rest is left open. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes?: Record<string, unknown>;
  };
  [extension: string]: unknown;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  [extension: string]: unknown;
}

export type JsonSchema = Record<string, unknown>;

export const BEARER_SCHEME = 'bearerAuth';

/** `/bookings/:id/approve` → `/bookings/{id}/approve`. */
export const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/** The dialect and id zod writes at the top of each schema mean nothing inside an OpenAPI document. */
function withoutKeys(schema: JsonSchema, ...keys: string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !keys.includes(key)));
}

/** Names component schemas by object identity, so a schema used by several routes is written once. */
class SchemaNames {
  readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<z.ZodType, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly others?: SchemaNames) {}

  ref(schema: z.ZodType, name: string): { $ref: string } {
    let id = this.names.get(schema);
    if (!id) {
      id = name;
      for (let n = 2; this.taken.has(id) || this.others?.taken.has(id); n++) id = `${name}${n}`;
      this.names.set(schema, id);
      this.taken.add(id);
      this.registry.add(schema, { id });
    }
    return { $ref: `#/components/schemas/${id}` };
  }

  /** JSON Schema of every registered schema, cross-references pointing into components. */
  toComponents(io: 'input' | 'output'): Record<string, JsonSchema> {
    if (this.taken.size === 0) return {};
    const { schemas } = z.toJSONSchema(this.registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    });
    const out: Record<string, JsonSchema> = {};
    for (const [id, schema] of Object.entries(schemas)) {
      out[id] = withoutKeys(schema, '$schema', '$id');
    }
    return out;
  }
}

/** A schema inlined where OpenAPI wants one directly (parameters), with its own nested definitions. */
function inlineSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return withoutKeys(json, '$schema');
}

const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function parametersOf(spec: RouteSpec, location: 'path' | 'query'): unknown[] {
  const schema = location === 'path' ? spec.params : spec.query;
  if (!schema) return [];
  const json = inlineSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
}

export interface ServiceApiOptions {
  info: DocumentInfo;
  /** Response schemas shared by several routes, written once under these component names. */
  schemas?: Record<string, z.ZodType>;
}

/** The routes of one service: registers them with Express and writes their OpenAPI 3.1 document. */
export class ServiceApi {
  private readonly routes: Route[] = [];
  private cached?: OpenApiDocument;

  constructor(private readonly options: ServiceApiOptions) {}

  /** Registers the route's handler with Express under the declared method and path. */
  mount(app: Express, route: Route, handler: (req: Request, res: Response) => Promise<void> | void): void {
    this.routes.push(route);
    this.cached = undefined;
    app[route.spec.method](route.spec.path, handler as RequestHandler);
  }

  /** `GET <path>` answering with the document; the route is part of the document too. */
  serve(app: Express, path: string): void {
    const route = defineRoute({
      method: 'get',
      path,
      operationId: `${path.split('/')[1] ?? ''}OpenApiDocument`,
      summary: "This service's OpenAPI 3.1 document",
      security: 'anonymous',
      responses: { 200: z.record(z.string(), z.unknown()) },
    });
    this.mount(app, route, (_req, res) => {
      res.json(this.document());
    });
  }

  document(): OpenApiDocument {
    this.cached ??= this.build();
    return this.cached;
  }

  private build(): OpenApiDocument {
    const requests = new SchemaNames();
    const responses = new SchemaNames(requests);
    responses.ref(problemSchema, 'Problem');
    for (const [name, schema] of Object.entries(this.options.schemas ?? {})) responses.ref(schema, name);
    const paths: OpenApiDocument['paths'] = {};
    for (const { spec } of this.routes) {
      const operation: OpenApiOperation = {
        operationId: spec.operationId,
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        tags: [spec.path.split('/')[1] ?? 'default'],
        security: spec.security === 'bearer' ? [{ [BEARER_SCHEME]: [] }] : [],
        responses: {},
      };
      const parameters = [...parametersOf(spec, 'path'), ...parametersOf(spec, 'query')];
      if (parameters.length > 0) operation.parameters = parameters;
      if (spec.body) {
        operation.requestBody = {
          required: spec.bodyRequired ?? true,
          content: {
            'application/json': { schema: requests.ref(spec.body, `${pascal(spec.operationId)}Body`) },
          },
        };
      }
      for (const [status, schema] of Object.entries(spec.responses)) {
        operation.responses[status] =
          schema === null
            ? { description: statusText(Number(status)) }
            : {
                description: statusText(Number(status)),
                content: {
                  'application/json': {
                    schema: responses.ref(schema, `${pascal(spec.operationId)}Response`),
                  },
                },
              };
      }
      const problems = new Set(spec.problems ?? []);
      if (spec.body || spec.query || spec.params) problems.add(400);
      if (spec.security === 'bearer') problems.add(401);
      if (spec.body) {
        problems.add(413);
        problems.add(415);
      }
      for (const status of [...problems].sort((a, b) => a - b))
        operation.responses[status] = problemResponse(status);
      (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation;
    }
    return {
      openapi: '3.1.0',
      info: this.options.info,
      paths,
      components: {
        schemas: { ...requests.toComponents('input'), ...responses.toComponents('output') },
        securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    };
  }
}
