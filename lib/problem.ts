import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import type { Logger } from './logger';

/** Problem type URIs are stable identifiers clients may switch on (RFC 9457 §3.1.1). */
export const PROBLEM_BASE = 'https://kvartirnsk.ru/problems/';

export interface FieldError {
  /** Dotted path of the offending field, e.g. "checkIn" or "guests.adults". */
  field: string;
  /** The same location as a JSON Pointer into the request body (RFC 6901), as RFC 9457 suggests. */
  pointer: string;
  detail: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An error that knows how it should look to an HTTP client. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly problem: ProblemDocument;
  readonly headers: Record<string, string>;

  constructor(problem: ProblemDocument, headers: Record<string, string> = {}) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.headers = headers;
  }
}

export function problemType(slug: string): string {
  return PROBLEM_BASE + slug;
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError({
    type: problemType('validation'),
    title: 'Invalid request',
    status: 400,
    detail,
    errors,
  });

export const notFound = (detail: string) =>
  new ProblemError({ type: problemType('not-found'), title: 'Not found', status: 404, detail });

export const conflict = (slug: string, detail: string) =>
  new ProblemError({ type: problemType(slug), title: 'Conflict', status: 409, detail });

/** How long a client should wait before trying again when a part behind the API is away or overloaded. */
const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export const serviceUnavailable = (detail: string) =>
  new ProblemError(
    { type: problemType('service-unavailable'), title: 'Service unavailable', status: 503, detail },
    { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
  );

function fieldError(path: readonly PropertyKey[], detail: string): FieldError {
  const parts = path.map(String);
  return {
    field: parts.join('.'),
    pointer: '/' + parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/'),
    detail,
  };
}

function fieldErrorsOf(issue: z.core.$ZodIssue, location: readonly PropertyKey[]): FieldError[] {
  // An unknown key is reported on its parent object by zod; name the key itself instead.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      fieldError([...location, ...issue.path, key], 'is not a recognised field'),
    );
  }
  return [fieldError([...location, ...issue.path], issue.message)];
}

/** Turns a zod failure into a 400 whose `errors` name every bad field. */
export function validationProblem(error: z.ZodError, location: readonly PropertyKey[] = []): ProblemError {
  const errors = error.issues.flatMap((issue) => fieldErrorsOf(issue, location));
  const fields = [...new Set(errors.map((e) => e.field || '(body)'))].join(', ');
  return badRequest(`Invalid value for: ${fields}`, errors);
}

/** Parses untrusted input with a zod schema, throwing a problem that names the bad fields. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationProblem(result.error);
  return result.data;
}

export function sendProblem(
  res: Parameters<RequestHandler>[1],
  problem: ProblemDocument,
  headers = {},
): void {
  res.status(problem.status).set(headers).type('application/problem+json').json(problem);
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: problemType('not-found'),
    title: 'Not found',
    status: 404,
    detail: `No route for ${req.method} ${req.path}`,
    instance: req.originalUrl,
  });
};

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * Last Express error handler: everything leaves as problem+json. Known problems keep their status;
 * body-parser failures (malformed JSON, too large) are the client's fault; anything else is logged
 * and reported as a 500 without internals.
 */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const instance = req.originalUrl;
    if (err instanceof ProblemError) {
      sendProblem(res, { ...err.problem, instance: err.problem.instance ?? instance }, err.headers);
      return;
    }
    const parserError = err as BodyParserError;
    if (parserError.type === 'entity.parse.failed') {
      sendProblem(res, {
        type: problemType('malformed-body'),
        title: 'Malformed request body',
        status: 400,
        detail: 'The request body is not valid JSON',
        instance,
      });
      return;
    }
    if (parserError.type === 'entity.too.large') {
      sendProblem(res, {
        type: problemType('body-too-large'),
        title: 'Request body too large',
        status: 413,
        detail: parserError.message,
        instance,
      });
      return;
    }
    if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
      sendProblem(res, {
        type: problemType('unsupported-encoding'),
        title: 'Unsupported body encoding',
        status: 415,
        detail: parserError.message,
        instance,
      });
      return;
    }
    logger.error({ err, requestId: res.locals.requestId }, 'unhandled error');
    sendProblem(res, {
      type: problemType('internal'),
      title: 'Internal server error',
      status: 500,
      detail: 'Something went wrong on our side; the request id helps us find it',
      instance,
      requestId: res.locals.requestId,
    });
  };
}
