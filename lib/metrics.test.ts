import request from 'supertest';
import { createServiceApp } from './http';
import { createLogger } from './logger';
import { countBookingOutcome, countMoneyMoved, startMetricsServer, UNMATCHED_ROUTE } from './metrics';
import { money } from './money';

const logger = createLogger('metrics-test', 'silent');

function appWithRoutes() {
  return createServiceApp({
    logger,
    routes(app) {
      app.get('/things/:thingId', (req, res) => {
        res.json({ id: req.params.thingId });
      });
      app.post('/things/:thingId/fail', () => {
        throw new Error('boom');
      });
    },
  });
}

/** The value of one sample line, e.g. `http_requests_total{method="GET",...}`, or 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('HTTP metrics', () => {
  it('counts and times requests under their route pattern, not their path', async () => {
    const app = appWithRoutes();
    await request(app).get('/things/41').expect(200);
    await request(app).get('/things/42').expect(200);
    await request(app).post('/things/42/fail').expect(500);
    await request(app).get('/nowhere/7').expect(404);

    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    const ok = 'method="GET",route="/things/:thingId",status_code="200"';
    expect(sample(text, `http_requests_total{${ok}}`)).toBe(2);
    expect(sample(text, `http_request_duration_seconds_count{${ok}}`)).toBe(2);
    expect(sample(text, `http_request_duration_seconds_bucket{le="+Inf",${ok}}`)).toBe(2);
    expect(sample(text, `http_request_duration_seconds_sum{${ok}}`)).toBeGreaterThan(0);
    expect(
      sample(text, 'http_requests_total{method="POST",route="/things/:thingId/fail",status_code="500"}'),
    ).toBe(1);
    expect(
      sample(text, `http_requests_total{method="GET",route="${UNMATCHED_ROUTE}",status_code="404"}`),
    ).toBe(1);
    expect(text).not.toMatch(/route="\/things\/4[12]"/);
    // Process metrics come along.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('leaves /metrics out when the app turns it off', async () => {
    const app = createServiceApp({ logger, metricsEndpoint: false, routes: () => undefined });
    await request(app).get('/metrics').expect(404);
  });
});

describe('metrics and health port', () => {
  it('serves our metrics with more appended, liveness, and readiness from its check', async () => {
    let ready = false;
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      readiness: async () => {
        if (!ready) throw new Error('still starting');
      },
      moreMetrics: async () => '# TYPE temporal_fake_total counter\ntemporal_fake_total 3\n',
    });
    try {
      countBookingOutcome('confirmed');
      countMoneyMoved('capture', money(1_234_500));
      countMoneyMoved('refund', money(-500_00));
      const base = `http://127.0.0.1:${server.port}`;

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(sample(metrics, 'kvartirnsk_bookings_total{outcome="confirmed"}')).toBe(1);
      expect(sample(metrics, 'kvartirnsk_money_moved_kopecks_total{kind="capture",currency="RUB"}')).toBe(
        1_234_500,
      );
      expect(sample(metrics, 'kvartirnsk_money_moved_kopecks_total{kind="refund",currency="RUB"}')).toBe(
        50_000,
      );
      expect(sample(metrics, 'temporal_fake_total')).toBe(3);

      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const notReady = await fetch(`${base}/health/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'unavailable', detail: 'still starting' });
      ready = true;
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
