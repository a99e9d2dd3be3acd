import { accessTokenConfigShape, verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { commonConfigShape, loadConfig, port } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { metricsConfigShape, startMetricsServer } from '@kvartirnsk/lib/metrics';
import { createRedis, redisConfigShape } from '@kvartirnsk/lib/redis';
import { z } from 'zod';
import { createGatewayApp } from './app';
import { gatewayConfigShape } from './config';
import { serviceUrlConfigShape, serviceUrlsFrom } from './routes';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...serviceUrlConfigShape,
    ...gatewayConfigShape,
    ...accessTokenConfigShape,
    ...redisConfigShape,
    ...metricsConfigShape,
    PORT: port(8080),
    HOST: z.string().default('127.0.0.1'),
  });
  const logger = createLogger('api-gateway', config.LOG_LEVEL);
  const redis = createRedis(config);
  const app = createGatewayApp({
    services: serviceUrlsFrom(config),
    redis,
    verificationKey: await verificationKeyFrom(config),
    limits: config,
    webOrigin: config.WEB_ORIGIN,
    logger,
  });
  const metrics = await startMetricsServer({ port: config.METRICS_PORT, host: config.HOST, logger });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await metrics.close();
    redis.disconnect();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
