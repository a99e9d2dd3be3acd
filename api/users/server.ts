import { signingConfigShape, signingKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { commonConfigShape, loadConfig, port } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createMailTransport, mailConfigShape } from '@kvartirnsk/lib/mail';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { createRedis, redisConfigShape } from '@kvartirnsk/lib/redis';
import { z } from 'zod';
import { AccountMailRelay } from './account-mail-relay';
import { createUsersApp } from './app';
import { usersConfigShape } from './config';
import { usersMigrations, type UsersDatabase } from './schema';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...usersConfigShape,
    ...signingConfigShape,
    ...redisConfigShape,
    ...mailConfigShape,
    PORT: port(4001),
    HOST: z.string().default('127.0.0.1'),
  });
  const logger = createLogger('api-users', config.LOG_LEVEL);
  const db = createDb<UsersDatabase>({ url: config.USERS_DATABASE_URL, applicationName: 'api-users' });
  await migrateToLatest(db, usersMigrations);
  const redis = createRedis(config);
  const signingKey = await signingKeyFrom(config);

  const transport = createMailTransport(config.SMTP_URL);
  const mailRelay = new AccountMailRelay({ db, transport, config, logger });
  mailRelay.start();

  const app = createUsersApp({ db, redis, signingKey, config, logger });
  serve(app, config.PORT, config.HOST, logger, async () => {
    await mailRelay.stop();
    transport.close();
    redis.disconnect();
    await db.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
