import { z } from 'zod';
import { url } from '@kvartirnsk/lib/config';
import { redisConfigShape } from '@kvartirnsk/lib/redis';

/**
 * Settings of the notification worker pool. It writes into the messaging service's database and publishes
 * through the same Redis (and key prefix) as the messaging service's socket.io adapter, so both must agree.
 */
export const notificationsConfigShape = {
  ...redisConfigShape,
  MONGO_URL: url('mongodb://127.0.0.1:27017'),
  MESSAGING_DATABASE: z.string().min(1).default('messages'),
  /** The web app's public address, for links in e-mails. */
  WEB_BASE_URL: url('http://localhost:3000'),
};
