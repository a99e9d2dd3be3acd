import { signingConfigShape, signingKeyFrom } from '@kvartirnsk/lib/access-tokens';
import { commonConfigShape, loadConfig, port } from '@kvartirnsk/lib/config';
import { serve } from '@kvartirnsk/lib/http';
import { createLogger } from '@kvartirnsk/lib/logger';
import { createDb, migrateToLatest } from '@kvartirnsk/lib/postgres';
import { createRedis, redisConfigShape } from '@kvartirnsk/lib/redis';
import { z } from 'zod';
import { createUsersApp } from './app';
import { usersConfigShape } from './config';
import { usersMigrations, type UsersDatabase } from './schema';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    ...usersConfigShape,
    ...signingConfigShape,
    ...redisConfigShape,
    PORT: port(4001),
    HOST: z.string().default('127.0.0.1'),
  });
  const logger = createLogger('api-users', config.LOG_LEVEL);
  const db = createDb<UsersDatabase>({ url: config.USERS_DATABASE_URL, applicationName: 'api-users' });
  await migrateToLatest(db, usersMigrations);
  const redis = createRedis(config);
  const signingKey = await signingKeyFrom(config);

  const app = createUsersApp({ db, redis, signingKey, config, logger });
  serve(app, config.PORT, config.HOST, logger, async () => {
    redis.disconnect();
    await db.destroy();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
