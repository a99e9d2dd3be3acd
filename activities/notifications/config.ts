import { z } from 'zod';
import { url } from '@kvartirnsk/lib/config';
import { mailConfigShape } from '@kvartirnsk/lib/mail';
import { redisConfigShape } from '@kvartirnsk/lib/redis';

/**
 * Settings of the notification worker pool. It writes into the messaging service's database and publishes
 * through the same Redis (and key prefix) as the messaging service's socket.io adapter, so both must agree.
 */
export const notificationsConfigShape = {
  ...redisConfigShape,
  ...mailConfigShape,
  MONGO_URL: url('mongodb://127.0.0.1:27017'),
  MESSAGING_DATABASE: z.string().min(1).default('messages'),
  /** Where the mail relay learns users' addresses (an internal route the gateway does not forward). */
  USERS_SERVICE_URL: url('http://127.0.0.1:4001'),
};
