import { createHash, randomBytes } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { z } from 'zod';
import { signAccessToken } from '@kvartirnsk/lib/access-tokens';
import { withoutNul } from '@kvartirnsk/lib/text';
import { createServiceApp } from '@kvartirnsk/lib/http';
import {
  accountBlocked,
  requireActor,
  requireAnyRole,
  roleSchema,
  type Role,
} from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { pgErrorCode, PG_UNIQUE_VIOLATION, sql } from '@kvartirnsk/lib/postgres';
import { conflict, notFound, ProblemError, problemType } from '@kvartirnsk/lib/problem';
import type { Redis } from 'ioredis';
import type { UsersConfig } from './config';
import {
  acceptedSchema,
  hostResponseSchema,
  mailRecipientsSchema,
  publicProfilesSchema,
  tokenResponseSchema,
  userPageSchema,
  userSchema,
  usersComponents,
} from './openapi';
import { displayName } from './display-name';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { LOCALES, type OneTimeTokenPurpose, type UsersDb, type UsersTable } from './schema';
import { SessionStore } from './sessions';
import { SignInGuard } from './sign-in-guard';

const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
const EMAIL_VERIFICATION_TTL_MS = 48 * 60 * 60 * 1000;
const MAX_PAGE_SIZE = 100;
const MAX_PROFILES = 100;

// ---------------------------------------------------------------- request schemas

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  // The document shows the address's own rules, not just "a string" (the pipe's input side).
  .meta({ format: 'email', maxLength: 254 });
/** Long passphrases welcome; the cap only keeps hashing cost bounded. */
const newPassword = z.string().min(10, 'must be at least 10 characters').max(256);
const anyPassword = z.string().min(1).max(256);
const name = withoutNul(z.string().trim().min(1).max(100));
/** E.164: a plus, the country code and the number, digits only. */
const phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be in international format, e.g. +79161234567');
const avatarUrl = withoutNul(z.url({ protocol: /^https$/, hostname: z.regexes.domain }).max(2048));
/** ISO 639-1 codes of the languages the user speaks, shown to hosts and guests. */
const languages = z
  .array(z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code such as "ru"'))
  .max(10)
  .refine((codes) => new Set(codes).size === codes.length, 'must not repeat a language');
const locale = z.enum(LOCALES);
const oneTimeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a valid token');
const refreshToken = z.string().min(1).max(200);

export const signUpBody = z
  .object({ email, password: newPassword, name, locale: locale.optional() })
  .strict();
export const signInBody = z.object({ email, password: anyPassword }).strict();
export const refreshBody = z.object({ refreshToken }).strict();
export const profilePatchBody = z
  .object({
    name,
    phone: phone.nullable(),
    avatarUrl: avatarUrl.nullable(),
    languages,
    locale,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field');
export const passwordChangeBody = z.object({ currentPassword: anyPassword, newPassword }).strict();
export const passwordResetRequestBody = z.object({ email }).strict();
export const passwordResetConfirmBody = z.object({ token: oneTimeToken, newPassword }).strict();
export const emailVerificationConfirmBody = z.object({ token: oneTimeToken }).strict();
export const userIdParams = z.object({ id: z.uuid() });
export const profilesQuery = z
  .object({
    ids: z
      .string()
      .describe(`Up to ${MAX_PROFILES} user ids, comma-separated`)
      .transform((value) => value.split(','))
      .pipe(z.array(z.uuid()).min(1).max(MAX_PROFILES)),
  })
  .strict();

/** Keyset pagination over (created_at, id): stable under inserts, unlike offsets. */
const cursor = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const [createdAt, id] = Buffer.from(value, 'base64url').toString().split('|');
    const parsed = z.object({ createdAt: z.iso.datetime(), id: z.uuid() }).safeParse({ createdAt, id });
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
      return z.NEVER;
    }
    return parsed.data;
  });
export const listUsersQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
    cursor: cursor.optional(),
    /** Part of the email address, case-insensitive. */
    email: withoutNul(z.string().trim().toLowerCase().min(1).max(254)).optional(),
    role: roleSchema.optional(),
    blocked: z.enum(['true', 'false']).optional(),
  })
  .strict();

// ---------------------------------------------------------------- routes (handlers validate with these; the
// service's OpenAPI document is written from them)

export const usersRoutes = {
  signUp: defineRoute({
    method: 'post',
    path: '/users/sign-up',
    operationId: 'signUp',
    summary: 'Create an account and sign in',
    security: 'anonymous',
    body: signUpBody,
    responses: { 201: tokenResponseSchema },
    problems: [403, 409],
  }),
  signIn: defineRoute({
    method: 'post',
    path: '/users/sign-in',
    operationId: 'signIn',
    summary: 'Sign in with email and password',
    description:
      'Repeated failures slow down and then lock the account or the address (429 with Retry-After).',
    security: 'anonymous',
    body: signInBody,
    responses: { 200: tokenResponseSchema },
    problems: [401, 403, 429],
  }),
  refresh: defineRoute({
    method: 'post',
    path: '/users/refresh',
    operationId: 'refresh',
    summary: 'Rotate a refresh token for a new access token',
    security: 'anonymous',
    body: refreshBody,
    responses: { 200: tokenResponseSchema },
    problems: [401, 403, 404],
  }),
  signOut: defineRoute({
    method: 'post',
    path: '/users/sign-out',
    operationId: 'signOut',
    summary: 'End the session of a refresh token',
    security: 'anonymous',
    body: refreshBody,
    responses: { 204: null },
  }),
  me: defineRoute({
    method: 'get',
    path: '/users/me',
    operationId: 'getMe',
    summary: 'The signed-in user',
    security: 'bearer',
    responses: { 200: userSchema },
    problems: [404],
  }),
  updateMe: defineRoute({
    method: 'patch',
    path: '/users/me',
    operationId: 'updateMe',
    summary: "Change the signed-in user's profile",
    security: 'bearer',
    body: profilePatchBody,
    responses: { 200: userSchema },
    problems: [404],
  }),
  becomeHost: defineRoute({
    method: 'post',
    path: '/users/me/host',
    operationId: 'becomeHost',
    summary: 'Add the host role (refresh the token to use it)',
    security: 'bearer',
    responses: { 200: hostResponseSchema },
    problems: [404],
  }),
  changePassword: defineRoute({
    method: 'post',
    path: '/users/me/password',
    operationId: 'changePassword',
    summary: 'Change the password; ends every other session',
    security: 'bearer',
    body: passwordChangeBody,
    responses: { 200: tokenResponseSchema },
    problems: [403, 404, 429],
  }),
  requestPasswordReset: defineRoute({
    method: 'post',
    path: '/users/password-reset',
    operationId: 'requestPasswordReset',
    summary: 'Send a password-reset token (same answer whether or not the account exists)',
    security: 'anonymous',
    body: passwordResetRequestBody,
    responses: { 202: acceptedSchema },
  }),
  confirmPasswordReset: defineRoute({
    method: 'post',
    path: '/users/password-reset/confirm',
    operationId: 'confirmPasswordReset',
    summary: 'Set a new password with a reset token',
    security: 'anonymous',
    body: passwordResetConfirmBody,
    responses: { 204: null },
  }),
  requestEmailVerification: defineRoute({
    method: 'post',
    path: '/users/me/email-verification',
    operationId: 'requestEmailVerification',
    summary: 'Send a new email-verification token',
    security: 'bearer',
    responses: { 202: acceptedSchema },
    problems: [404, 409],
  }),
  confirmEmailVerification: defineRoute({
    method: 'post',
    path: '/users/email-verification/confirm',
    operationId: 'confirmEmailVerification',
    summary: 'Verify the email address with its token',
    security: 'anonymous',
    body: emailVerificationConfirmBody,
    responses: { 204: null },
  }),
  profiles: defineRoute({
    method: 'get',
    path: '/users/profiles',
    operationId: 'getPublicProfiles',
    summary: "Other users' public profiles: display name, languages, since when a member",
    security: 'bearer',
    query: profilesQuery,
    responses: { 200: publicProfilesSchema },
  }),
  mailRecipients: defineRoute({
    method: 'get',
    path: '/internal/mail-recipients',
    operationId: 'getMailRecipients',
    summary: 'Addresses and languages of users, for services that mail them',
    description:
      'Internal: outside the /users prefix the gateway forwards, so only services on the internal network reach it.',
    security: 'anonymous',
    query: profilesQuery,
    responses: { 200: mailRecipientsSchema },
  }),
  list: defineRoute({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users (administrators)',
    security: 'bearer',
    query: listUsersQuery,
    responses: { 200: userPageSchema },
    problems: [403],
  }),
  block: defineRoute({
    method: 'post',
    path: '/users/:id/block',
    operationId: 'blockUser',
    summary: 'Block a user; their tokens stop working at once (administrators)',
    security: 'bearer',
    params: userIdParams,
    responses: { 200: userSchema },
    problems: [403, 404, 409],
  }),
  unblock: defineRoute({
    method: 'post',
    path: '/users/:id/unblock',
    operationId: 'unblockUser',
    summary: 'Unblock a user (administrators)',
    security: 'bearer',
    params: userIdParams,
    responses: { 200: userSchema },
    problems: [403, 404],
  }),
};

// ---------------------------------------------------------------- responses

type UserRow = Pick<
  UsersTable,
  'email' | 'name' | 'phone' | 'avatar_url' | 'email_verified_at' | 'blocked_at'
> & {
  id: string;
  languages: string[];
  locale: (typeof LOCALES)[number];
  roles: Role[];
  token_version: number;
  created_at: Date;
};

function publicUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    avatarUrl: row.avatar_url,
    languages: row.languages,
    locale: row.locale,
    roles: row.roles,
    emailVerified: row.email_verified_at !== null,
    blocked: row.blocked_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'phone',
  'avatar_url',
  'languages',
  'locale',
  'roles',
  'email_verified_at',
  'blocked_at',
  'token_version',
  'created_at',
] as const;

const invalidCredentials = () =>
  new ProblemError({
    type: problemType('invalid-credentials'),
    title: 'Invalid credentials',
    status: 401,
    detail: 'The email or the password is wrong',
  });

const invalidRefreshToken = (detail: string) =>
  new ProblemError({
    type: problemType('invalid-refresh-token'),
    title: 'Invalid refresh token',
    status: 401,
    detail,
  });

const invalidOneTimeToken = (field: string) =>
  new ProblemError({
    type: problemType('validation'),
    title: 'Invalid request',
    status: 400,
    detail: `Invalid value for: ${field}`,
    errors: [{ field, pointer: `/${field}`, detail: 'is unknown, used or expired' }],
  });

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

// ---------------------------------------------------------------- the app

export interface UsersAppDeps {
  db: UsersDb;
  redis: Redis;
  signingKey: CryptoKey;
  config: UsersConfig;
  logger: Logger;
}

export function createUsersApp({ db, redis, signingKey, config, logger }: UsersAppDeps) {
  const sessions = new SessionStore(redis, config.REFRESH_TOKEN_TTL_SECONDS);
  const guard = new SignInGuard(redis, config);

  async function accessTokenFor(user: UserRow, sessionId: string): Promise<string> {
    if (!(await sessions.publishTokenVersion(user.id, user.token_version))) throw accountBlocked();
    return signAccessToken(
      signingKey,
      { userId: user.id, roles: user.roles, tokenVersion: user.token_version, sessionId },
      config.ACCESS_TOKEN_TTL_SECONDS,
    );
  }

  /** A fresh session: a new refresh-token family and an access token bound to it. */
  async function signedIn(user: UserRow) {
    const { sessionId, refreshToken } = await sessions.start(user.id);
    return tokenResponse(user, await accessTokenFor(user, sessionId), refreshToken);
  }

  function tokenResponse(user: UserRow, accessToken: string, refreshToken: string) {
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      user: publicUser(user),
    };
  }

  async function findUser(id: string): Promise<UserRow> {
    const user = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!user) throw notFound(`No user ${id}`);
    return user;
  }

  /** Writes a one-time token (only its hash is kept) and the mail that carries it, in one transaction. */
  async function issueOneTimeToken(user: { id: string; email: string }, purpose: OneTimeTokenPurpose) {
    const token = randomBytes(32).toString('base64url');
    const ttl = purpose === 'password-reset' ? PASSWORD_RESET_TTL_MS : EMAIL_VERIFICATION_TTL_MS;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('one_time_tokens')
        .values({
          token_hash: sha256(token),
          user_id: user.id,
          purpose,
          expires_at: new Date(Date.now() + ttl),
          used_at: null,
        })
        .execute();
      await trx
        .insertInto('mail_outbox')
        .values({ to_email: user.email, template: purpose, payload: JSON.stringify({ token }) })
        .execute();
    });
  }

  /** Marks a one-time token used and returns its user id, or throws a 400 naming `token`. */
  async function redeemOneTimeToken(
    trx: Parameters<Parameters<ReturnType<UsersDb['transaction']>['execute']>[0]>[0],
    token: string,
    purpose: OneTimeTokenPurpose,
  ): Promise<string> {
    const redeemed = await trx
      .updateTable('one_time_tokens')
      .set({ used_at: new Date() })
      .where('token_hash', '=', sha256(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning('user_id')
      .executeTakeFirst();
    if (!redeemed) throw invalidOneTimeToken('token');
    return redeemed.user_id;
  }

  /** A new password revokes every session and access token the user had. */
  async function afterPasswordReplaced(user: UserRow) {
    await sessions.revokeAll(user.id);
    await sessions.forceTokenVersion(user.id, user.token_version);
    await guard.recordSuccess(user.email);
  }

  return createServiceApp({
    logger,
    readiness: async () => {
      await sql`SELECT 1`.execute(db);
      await redis.ping();
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk users', version: '1' },
        schemas: usersComponents,
      });
      api.serve(app, '/users/openapi.json');

      // The gateway on loopback (or its container network) tells us the client address.
      app.set('trust proxy', config.TRUSTED_PROXIES);

      api.mount(app, usersRoutes.signUp, async (req, res) => {
        const body = usersRoutes.signUp.body(req);
        let user: UserRow;
        try {
          user = await db
            .insertInto('users')
            .values({
              email: body.email,
              password_hash: await hashPassword(body.password),
              name: body.name,
              locale: body.locale,
              phone: null,
              avatar_url: null,
              email_verified_at: null,
              blocked_at: null,
            })
            .returning(USER_COLUMNS)
            .executeTakeFirstOrThrow();
        } catch (err) {
          if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) {
            throw conflict('email-taken', 'An account with this email already exists');
          }
          throw err;
        }
        await issueOneTimeToken(user, 'email-verification');
        res
          .status(201)
          .location(`/users/${user.id}`)
          .json(await signedIn(user));
      });

      api.mount(app, usersRoutes.signIn, async (req, res) => {
        const body = usersRoutes.signIn.body(req);
        const address = req.ip ?? 'unknown';
        await guard.assertAllowed(body.email, address);
        const found = await db
          .selectFrom('users')
          .select([...USER_COLUMNS, 'password_hash'])
          .where('email', '=', body.email)
          .executeTakeFirst();
        const passwordOk = await verifyPassword(
          found?.password_hash ?? (await decoyPasswordHash()),
          body.password,
        );
        if (!found || !passwordOk) {
          await guard.recordFailure(body.email, address);
          throw invalidCredentials();
        }
        await guard.recordSuccess(body.email);
        if (found.blocked_at) throw accountBlocked();
        res.json(await signedIn(found));
      });

      api.mount(app, usersRoutes.refresh, async (req, res) => {
        const body = usersRoutes.refresh.body(req);
        const rotated = await sessions.rotate(body.refreshToken);
        if (rotated.outcome === 'reused') {
          logger.warn({ userId: rotated.userId, sessionId: rotated.sessionId }, 'refresh token reused');
          throw invalidRefreshToken('This refresh token was already used; the session has been ended');
        }
        if (rotated.outcome === 'invalid')
          throw invalidRefreshToken('Unknown, expired or revoked refresh token');
        const user = await findUser(rotated.userId);
        if (user.blocked_at) {
          await sessions.revokeAll(user.id);
          throw accountBlocked();
        }
        res.json(tokenResponse(user, await accessTokenFor(user, rotated.sessionId), rotated.refreshToken));
      });

      api.mount(app, usersRoutes.signOut, async (req, res) => {
        const body = usersRoutes.signOut.body(req);
        // Idempotent: signing out of an already ended session is not an error for the client.
        await sessions.end(body.refreshToken);
        res.status(204).end();
      });

      api.mount(app, usersRoutes.me, async (req, res) => {
        res.json(publicUser(await findUser(requireActor(req).userId)));
      });

      api.mount(app, usersRoutes.updateMe, async (req, res) => {
        const actor = requireActor(req);
        const patch = usersRoutes.updateMe.body(req);
        const user = await db
          .updateTable('users')
          .set({
            name: patch.name,
            phone: patch.phone,
            avatar_url: patch.avatarUrl,
            languages: patch.languages,
            locale: patch.locale,
            updated_at: new Date(),
          })
          .where('id', '=', actor.userId)
          .returning(USER_COLUMNS)
          .executeTakeFirst();
        if (!user) throw notFound(`No user ${actor.userId}`);
        res.json(publicUser(user));
      });

      api.mount(app, usersRoutes.profiles, async (req, res) => {
        const { ids } = usersRoutes.profiles.query(req);
        const rows = await db
          .selectFrom('users')
          .select(['id', 'name', 'avatar_url', 'languages', 'roles', 'email_verified_at', 'created_at'])
          .where('id', 'in', ids)
          .execute();
        const byId = new Map(rows.map((row) => [row.id, row]));
        const items = [...new Set(ids)].flatMap((id) => {
          const row = byId.get(id);
          if (!row) return [];
          return [
            {
              id,
              displayName: displayName(row.name),
              avatarUrl: row.avatar_url,
              languages: row.languages,
              emailVerified: row.email_verified_at !== null,
              isHost: row.roles.includes('host'),
              memberSince: row.created_at.toISOString(),
            },
          ];
        });
        res.json({ items });
      });

      api.mount(app, usersRoutes.mailRecipients, async (req, res) => {
        const { ids } = usersRoutes.mailRecipients.query(req);
        const rows = await db
          .selectFrom('users')
          .select(['id', 'email', 'locale', 'blocked_at'])
          .where('id', 'in', ids)
          .execute();
        res.json({
          items: rows.map((row) => ({
            id: row.id,
            email: row.email,
            locale: row.locale,
            blocked: row.blocked_at !== null,
          })),
        });
      });

      // Idempotent. Roles travel in access tokens, so the client refreshes to get one that says host.
      api.mount(app, usersRoutes.becomeHost, async (req, res) => {
        const actor = requireActor(req);
        const user = await db
          .updateTable('users')
          .set({
            roles: sql<Role[]>`CASE WHEN 'host' = ANY(roles) THEN roles ELSE array_append(roles, 'host') END`,
            updated_at: new Date(),
          })
          .where('id', '=', actor.userId)
          .returning(USER_COLUMNS)
          .executeTakeFirst();
        if (!user) throw notFound(`No user ${actor.userId}`);
        res.json({ user: publicUser(user) });
      });

      api.mount(app, usersRoutes.changePassword, async (req, res) => {
        const actor = requireActor(req);
        const body = usersRoutes.changePassword.body(req);
        const current = await db
          .selectFrom('users')
          .select(['email', 'password_hash'])
          .where('id', '=', actor.userId)
          .executeTakeFirst();
        if (!current) throw notFound(`No user ${actor.userId}`);
        const address = req.ip ?? 'unknown';
        await guard.assertAllowed(current.email, address);
        if (!(await verifyPassword(current.password_hash, body.currentPassword))) {
          await guard.recordFailure(current.email, address);
          throw new ProblemError({
            type: problemType('validation'),
            title: 'Invalid request',
            status: 400,
            detail: 'Invalid value for: currentPassword',
            errors: [{ field: 'currentPassword', pointer: '/currentPassword', detail: 'is wrong' }],
          });
        }
        const user = await db
          .updateTable('users')
          .set({
            password_hash: await hashPassword(body.newPassword),
            token_version: sql<number>`token_version + 1`,
            updated_at: new Date(),
          })
          .where('id', '=', actor.userId)
          .returning(USER_COLUMNS)
          .executeTakeFirstOrThrow();
        await afterPasswordReplaced(user);
        // Every other device is signed out; this one continues in a fresh session.
        res.json(await signedIn(user));
      });

      api.mount(app, usersRoutes.requestPasswordReset, async (req, res) => {
        const body = usersRoutes.requestPasswordReset.body(req);
        const user = await db
          .selectFrom('users')
          .select(['id', 'email'])
          .where('email', '=', body.email)
          .where('blocked_at', 'is', null)
          .executeTakeFirst();
        if (user) await issueOneTimeToken(user, 'password-reset');
        // The same answer whether or not the account exists, so this cannot be used to find accounts.
        res.status(202).json({ status: 'accepted' });
      });

      api.mount(app, usersRoutes.confirmPasswordReset, async (req, res) => {
        const body = usersRoutes.confirmPasswordReset.body(req);
        const passwordHash = await hashPassword(body.newPassword);
        const user = await db.transaction().execute(async (trx) => {
          const userId = await redeemOneTimeToken(trx, body.token, 'password-reset');
          return trx
            .updateTable('users')
            .set({
              password_hash: passwordHash,
              token_version: sql<number>`token_version + 1`,
              // Following the emailed link proves the address as well.
              email_verified_at: sql<Date>`coalesce(email_verified_at, now())`,
              updated_at: new Date(),
            })
            .where('id', '=', userId)
            .returning(USER_COLUMNS)
            .executeTakeFirstOrThrow();
        });
        await afterPasswordReplaced(user);
        res.status(204).end();
      });

      api.mount(app, usersRoutes.requestEmailVerification, async (req, res) => {
        const user = await findUser(requireActor(req).userId);
        if (user.email_verified_at) throw conflict('email-already-verified', 'The email is already verified');
        await issueOneTimeToken(user, 'email-verification');
        res.status(202).json({ status: 'accepted' });
      });

      api.mount(app, usersRoutes.confirmEmailVerification, async (req, res) => {
        const body = usersRoutes.confirmEmailVerification.body(req);
        await db.transaction().execute(async (trx) => {
          const userId = await redeemOneTimeToken(trx, body.token, 'email-verification');
          await trx
            .updateTable('users')
            .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())`, updated_at: new Date() })
            .where('id', '=', userId)
            .execute();
        });
        res.status(204).end();
      });

      api.mount(app, usersRoutes.list, async (req, res) => {
        requireAnyRole(req, 'admin');
        const query = usersRoutes.list.query(req);
        let select = db.selectFrom('users').select(USER_COLUMNS);
        if (query.email) select = select.where('email', 'like', `%${escapeLike(query.email)}%`);
        if (query.role) select = select.where(sql<boolean>`${query.role} = ANY(roles)`);
        if (query.blocked)
          select = select.where('blocked_at', query.blocked === 'true' ? 'is not' : 'is', null);
        if (query.cursor) {
          const after = query.cursor;
          select = select.where(
            sql<boolean>`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
          );
        }
        const rows = await select
          // Microseconds, which a JS Date would round away, so the next page starts exactly after this one.
          .select(
            sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
              'cursor_at',
            ),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(query.limit + 1)
          .execute();
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        res.json({
          items: page.map(publicUser),
          nextCursor:
            rows.length > query.limit && last
              ? Buffer.from(`${last.cursor_at}|${last.id}`).toString('base64url')
              : null,
        });
      });

      api.mount(app, usersRoutes.block, async (req, res) => {
        const admin = requireAnyRole(req, 'admin');
        const { id } = usersRoutes.block.params(req);
        if (id === admin.userId)
          throw conflict('cannot-block-self', 'Administrators cannot block themselves');
        const user = await db
          .updateTable('users')
          .set({
            blocked_at: sql<Date>`coalesce(blocked_at, now())`,
            token_version: sql<number>`token_version + 1`,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returning(USER_COLUMNS)
          .executeTakeFirst();
        if (!user) throw notFound(`No user ${id}`);
        // Redis first for the gateway (tokens stop now), then the refresh families (no new tokens).
        await sessions.markBlocked(id);
        await sessions.revokeAll(id);
        logger.info({ userId: id, by: admin.userId }, 'user blocked');
        res.json(publicUser(user));
      });

      api.mount(app, usersRoutes.unblock, async (req, res) => {
        const admin = requireAnyRole(req, 'admin');
        const { id } = usersRoutes.unblock.params(req);
        const user = await db
          .updateTable('users')
          .set({ blocked_at: null, updated_at: new Date() })
          .where('id', '=', id)
          .returning(USER_COLUMNS)
          .executeTakeFirst();
        if (!user) throw notFound(`No user ${id}`);
        // Tokens from before the block carry an older version, so they stay dead; the user signs in again.
        await sessions.forceTokenVersion(id, user.token_version);
        logger.info({ userId: id, by: admin.userId }, 'user unblocked');
        res.json(publicUser(user));
      });
    },
  });
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
