import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createLogger } from './logger';
import { defineRoute, openApiPath, problemSchema, ServiceApi } from './openapi';
import { ProblemError, problemErrorHandler } from './problem';

const thing = z.object({ id: z.uuid(), name: z.string(), tags: z.array(z.string()) });
const createThing = defineRoute({
  method: 'post',
  path: '/things',
  operationId: 'createThing',
  summary: 'Make a thing',
  security: 'bearer',
  body: z.object({ name: z.string().trim().min(1), tags: z.array(z.string()).default([]) }).strict(),
  responses: { 201: thing },
  problems: [409],
});
const listThings = defineRoute({
  method: 'get',
  path: '/things',
  operationId: 'listThings',
  summary: 'List things',
  security: 'anonymous',
  query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(10), q: z.string().optional() }),
  responses: { 200: z.object({ items: z.array(thing) }) },
});
const touchThing = defineRoute({
  method: 'post',
  path: '/things/:id/touch',
  operationId: 'touchThing',
  summary: 'Touch a thing',
  security: 'bearer',
  params: z.object({ id: z.uuid() }),
  body: z.object({ note: z.string().optional() }).strict(),
  bodyRequired: false,
  responses: { 204: null },
});

function thingsApp() {
  const api = new ServiceApi({ info: { title: 'things', version: '1' }, schemas: { Thing: thing } });
  const app = express();
  app.use(express.json());
  api.serve(app, '/things/openapi.json');
  api.mount(app, createThing, (req, res) => {
    res.status(201).json({ id: '00000000-0000-4000-8000-000000000000', ...createThing.body(req) });
  });
  api.mount(app, listThings, (req, res) => {
    res.json({ items: [], limit: listThings.query(req).limit });
  });
  api.mount(app, touchThing, (req, res) => {
    touchThing.params(req);
    if (touchThing.body(req).note === 'boom') throw new ProblemError(problemOf(409));
    res.status(204).end();
  });
  app.use(problemErrorHandler(createLogger('openapi-test', 'silent')));
  return { app, api };
}

const problemOf = (status: number) => ({ type: 'about:blank', title: 'x', status });

describe('route declarations validate what they document', () => {
  const { app } = thingsApp();

  it('parses the body with the declared schema (defaults and trimming applied)', async () => {
    const res = await request(app).post('/things').send({ name: '  lamp ' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'lamp', tags: [] });
  });

  it('answers a 400 problem naming each bad field', async () => {
    const res = await request(app).post('/things').send({ name: '', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'name']);
  });

  it('coerces query parameters and checks path parameters', async () => {
    expect((await request(app).get('/things?limit=5')).body).toEqual({ items: [], limit: 5 });
    expect((await request(app).get('/things?limit=0')).status).toBe(400);
    expect((await request(app).post('/things/not-a-uuid/touch')).status).toBe(400);
  });

  it('treats a missing optional body as {}', async () => {
    const res = await request(app).post('/things/00000000-0000-4000-8000-000000000000/touch');
    expect(res.status).toBe(204);
  });
});

describe('the OpenAPI document', () => {
  const { app, api } = thingsApp();
  const doc = api.document();

  it('is served at the declared path and documents that path too', async () => {
    const res = await request(app).get('/things/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.paths['/things/openapi.json']?.get?.security).toEqual([]);
  });

  it('writes OpenAPI 3.1 paths with {params}, bearer security and problem+json errors', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/things', '/things/openapi.json', '/things/{id}/touch']);
    const create = doc.paths['/things']?.post;
    expect(create?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(create?.responses ?? {})).toEqual(['201', '400', '401', '409', '413', '415']);
    expect(create?.responses['409']).toEqual({
      description: 'Conflict',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(create?.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
    });
    expect(doc.paths['/things/{id}/touch']?.post).toMatchObject({
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: { required: false },
      responses: { 204: { description: 'No content' } },
    });
  });

  it('describes request bodies as input (defaults optional) and query parameters one by one', () => {
    const body = doc.components.schemas.CreateThingBody;
    expect(body).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(doc.paths['/things']?.get?.parameters).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
      },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
    ]);
  });

  it('gives the RFC 9457 problem shape and leaves no dangling reference', () => {
    expect(doc.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status'] });
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    for (const [, name] of refs) expect(doc.components.schemas).toHaveProperty([name as string]);
    expect(problemSchema.safeParse(problemOf(404)).success).toBe(true);
  });
});

it('turns Express paths into OpenAPI paths', () => {
  expect(openApiPath('/bookings/:id/approve')).toBe('/bookings/{id}/approve');
  expect(openApiPath('/users')).toBe('/users');
});
