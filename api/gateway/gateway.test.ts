import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createGatewayApp } from './app';

// A real upstream HTTP server on loopback stands in for a service; the gateway is what is under test.
let upstream: Server;
let upstreamUrl: string;
const seen: Array<{ path: string; requestId?: string; body: unknown }> = [];

beforeAll(async () => {
  const service = express();
  service.use(express.json());
  service.get('/health/ready', (_req, res) => {
    res.json({ status: 'ok' });
  });
  service.all('/bookings{/*rest}', (req, res) => {
    seen.push({ path: req.originalUrl, requestId: req.header('x-request-id'), body: req.body });
    res.status(201).json({ echoed: req.body ?? null });
  });
  upstream = await new Promise<Server>((resolve) => {
    const server = service.listen(0, '127.0.0.1', () => resolve(server));
  });
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

const logger = createLogger('gateway-test', 'silent');

it('routes /api/<service>/... to the service with the body and the request id', async () => {
  const gateway = createGatewayApp({ services: { bookings: upstreamUrl }, logger });

  const res = await request(gateway)
    .post('/api/bookings/abc?x=1')
    .set('x-request-id', 'req-42')
    .send({ guests: 2 });

  expect(res.status).toBe(201);
  expect(res.body).toEqual({ echoed: { guests: 2 } });
  expect(res.headers['x-request-id']).toBe('req-42');
  expect(seen.at(-1)).toEqual({ path: '/bookings/abc?x=1', requestId: 'req-42', body: { guests: 2 } });
});

it('answers 503 problem+json when a service is down, without hanging', async () => {
  const gateway = createGatewayApp({ services: { bookings: 'http://127.0.0.1:1' }, logger });

  const res = await request(gateway).get('/api/bookings/abc');

  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toContain('bookings');
});

it('reports each service in /api/health', async () => {
  const gateway = createGatewayApp({
    services: { bookings: upstreamUrl, reviews: 'http://127.0.0.1:1' },
    logger,
  });

  const res = await request(gateway).get('/api/health');

  expect(res.status).toBe(503);
  expect(res.body).toEqual({ status: 'degraded', services: { bookings: 'up', reviews: 'down' } });
});
