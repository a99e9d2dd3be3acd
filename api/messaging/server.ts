import { accessTokenConfigShape, verificationKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { commonConfigShape, loadConfig, port, positiveInt, url } from '@kvartirnsk/lib/config';
import { connectEventBus, consumeIdempotentEvents } from '@kvartirnsk/lib/events';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { requestBudget } from '@kvartirnsk/lib/rate-limits';
import { createRedis, redisConfigShape } from '@kvartirnsk/lib/redis';
import { z } from 'zod';
import { createMessagingApp } from './app';
import { messagingModels } from './models';
import { createRealtime } from './realtime';
import { applyMessagingEvent, MESSAGING_EVENT_BINDINGS, MESSAGING_EVENTS_QUEUE } from './replica';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...accessTokenConfigShape,
    ...redisConfigShape,
    PORT: port(4008),
    HOST: z.string().default('127.0.0.1'),
    MONGO_URL: url('mongodb://127.0.0.1:27017'),
    MESSAGING_DATABASE: z.string().default('messages'),
    RABBITMQ_URL: url('amqp://guest:guest@127.0.0.1:5672'),
    MESSAGES_PER_USER_PER_MINUTE: positiveInt(30),
  });
  const logger = createLogger('api-messaging', config.LOG_LEVEL);
  const mongo = await connectMongo(config.MONGO_URL, config.MESSAGING_DATABASE);
  const models = messagingModels(mongo);
  const redis = createRedis(config);
  const bus = await connectEventBus(config.RABBITMQ_URL);
  const subscription = await consumeIdempotentEvents({
    bus,
    queue: MESSAGING_EVENTS_QUEUE,
    bindings: MESSAGING_EVENT_BINDINGS,
    logger,
    handle: (event) => applyMessagingEvent(models, event),
  });
  const realtime = createRealtime({ verificationKey: await verificationKeyFrom(config), redis, logger });

  const app = createMessagingApp({
    models,
    live: realtime.live,
    sendBudget: requestBudget(redis, 'messaging-send', config.MESSAGES_PER_USER_PER_MINUTE),
    logger,
  });
  const server = serve(app, config.PORT, config.HOST, logger, async () => {
    await subscription.cancel();
    await bus.close();
    redis.disconnect();
    await mongo.close();
  });
  realtime.io.attach(server);
  // Open sockets would keep the HTTP server from closing: on shutdown they are dropped (clients reconnect to
  // another instance) while serve() drains the HTTP requests.
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => realtime.close());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
