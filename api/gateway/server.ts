import { commonConfigShape, loadConfig, port } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { z } from 'zod';
import { createGatewayApp } from './app';
import { serviceUrlConfigShape, serviceUrlsFrom } from './routes';

const config = loadConfig({
  ...commonConfigShape,
  ...serviceUrlConfigShape,
  PORT: port(8080),
  HOST: z.string().default('127.0.0.1'),
});
const logger = createLogger('api-gateway', config.LOG_LEVEL);
const app = createGatewayApp({ services: serviceUrlsFrom(config), logger });
serve(app, config.PORT, config.HOST, logger, () => Promise.resolve());
