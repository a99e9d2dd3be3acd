import { commonConfigShape, loadConfig } from '@kvartirnsk/lib/config';
import { createDb, migrateToLatest, sql } from '@kvartirnsk/lib/postgres';
import { z } from 'zod';
import { usersConfigShape } from './config';
import { hashPassword } from './passwords';
import { usersMigrations, type UsersDatabase } from './schema';

/**
 * Creates (or promotes) an administrator directly in the users database: the first admin cannot be made
 * through the API, since only admins may grant roles.
 *
 *   ADMIN_EMAIL=admin@kvartirnsk.local ADMIN_PASSWORD='...' node --import tsx api/users/create-admin.ts
 *
 * Without ADMIN_PASSWORD outside production it uses the documented local password (README "Accounts").
 */
const LOCAL_ADMIN_PASSWORD = 'kvartirnsk-admin-local';

async function main() {
  const config = loadConfig({
    ...commonConfigShape,
    USERS_DATABASE_URL: usersConfigShape.USERS_DATABASE_URL,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).default('admin@kvartirnsk.local'),
    ADMIN_PASSWORD: z.string().min(10).max(256).optional(),
    ADMIN_NAME: z.string().trim().min(1).max(100).default('Administrator'),
  });
  if (!config.ADMIN_PASSWORD && config.NODE_ENV === 'production') {
    throw new Error('ADMIN_PASSWORD must be set in production');
  }
  const db = createDb<UsersDatabase>({ url: config.USERS_DATABASE_URL, applicationName: 'create-admin' });
  try {
    await migrateToLatest(db, usersMigrations);
    const passwordHash = await hashPassword(config.ADMIN_PASSWORD ?? LOCAL_ADMIN_PASSWORD);
    const admin = await db
      .insertInto('users')
      .values({
        email: config.ADMIN_EMAIL,
        password_hash: passwordHash,
        name: config.ADMIN_NAME,
        roles: ['guest', 'admin'],
        phone: null,
        avatar_url: null,
        email_verified_at: new Date(),
        blocked_at: null,
      })
      .onConflict((oc) =>
        oc.column('email').doUpdateSet({
          password_hash: passwordHash,
          roles: sql`CASE WHEN 'admin' = ANY(users.roles) THEN users.roles ELSE array_append(users.roles, 'admin') END`,
          blocked_at: null,
          updated_at: new Date(),
        }),
      )
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow();
    console.log(`admin ${admin.email} (${admin.id}) is ready`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
