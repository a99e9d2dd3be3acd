import request from 'supertest';
import { z } from 'zod';
import { createServiceApp } from './http';
import { createLogger } from './logger';
import { parseOrThrow } from './problem';

const app = createServiceApp({
  logger: createLogger('test', 'silent'),
  bodyLimit: '1kb',
  routes(app) {
    app.post('/things', (req, res) => {
      const body = parseOrThrow(
        z.object({ name: z.string().min(1), size: z.object({ width: z.number() }) }),
        req.body,
      );
      res.status(201).json(body);
    });
    app.get('/boom', () => {
      throw new Error('database password is hunter2');
    });
  },
});

describe('problem+json errors', () => {
  it('answers invalid input with 400 naming each field', async () => {
    const res = await request(app)
      .post('/things')
      .send({ size: { width: 'wide' } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Invalid request', instance: '/things' });
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'size.width']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'size.width').pointer).toBe(
      '/size/width',
    );
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await request(app).post('/things').set('content-type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.type).toMatch(/malformed-body$/);
  });

  it('answers an oversized body with 413', async () => {
    const res = await request(app)
      .post('/things')
      .send({ name: 'x'.repeat(5_000), size: { width: 1 } });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await request(app).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('/nowhere');
  });

  it('hides internals of unexpected errors and returns the request id', async () => {
    const res = await request(app).get('/boom').set('x-request-id', 'req-123');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body.requestId).toBe('req-123');
    expect(res.headers['x-request-id']).toBe('req-123');
  });
});
