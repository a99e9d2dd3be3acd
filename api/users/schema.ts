import type { ColumnType, Generated, Kysely } from 'kysely';
import { type Migration, sql } from '@kvartirnsk/lib/postgres';
import { ROLES, type Role } from '@kvartirnsk/lib/identity';

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ONE_TIME_TOKEN_PURPOSES = ['password-reset', 'email-verification'] as const;
export type OneTimeTokenPurpose = (typeof ONE_TIME_TOKEN_PURPOSES)[number];

// Written by column defaults, never by us (updated_at is set on every update).
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export interface UsersTable {
  id: Generated<string>;
  /** Stored lower-cased and trimmed; the unique index is on this column as is. */
  email: string;
  password_hash: string;
  name: string;
  phone: string | null;
  avatar_url: string | null;
  languages: ColumnType<string[], string[] | undefined, string[]>;
  locale: ColumnType<Locale, Locale | undefined, Locale>;
  roles: ColumnType<Role[], Role[] | undefined, Role[]>;
  email_verified_at: Date | null;
  blocked_at: Date | null;
  /** Mirrored into Redis (lib/sessions.ts); bumped to revoke every access token of the user. */
  token_version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Password-reset and email-verification tokens; only their sha256 is stored. */
export interface OneTimeTokensTable {
  token_hash: string;
  user_id: string;
  purpose: OneTimeTokenPurpose;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

/**
 * Mail to send, written in the transaction that makes it necessary; AccountMailRelay hands it to the SMTP relay
 * and records the outcome here (sent, or when to try again, or failed for good).
 */
export interface MailOutboxTable {
  id: Generated<string>;
  to_email: string;
  template: string;
  payload: ColumnType<Record<string, unknown>, string, never>;
  created_at: CreatedAt;
  sent_at: ColumnType<Date | null, never, Date | null>;
  failed_at: ColumnType<Date | null, never, Date | null>;
  attempts: ColumnType<number, never, number>;
  last_error: ColumnType<string | null, never, string | null>;
  next_attempt_at: ColumnType<Date, never, Date>;
}

export interface UsersDatabase {
  users: UsersTable;
  one_time_tokens: OneTimeTokensTable;
  mail_outbox: MailOutboxTable;
}

export type UsersDb = Kysely<UsersDatabase>;

const quoted = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const usersMigrations: Record<string, Migration> = {
  '2026-12-01-accounts': {
    async up(db) {
      await sql`
        CREATE TABLE users (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          email text NOT NULL UNIQUE CHECK (email = lower(btrim(email))),
          password_hash text NOT NULL,
          name text NOT NULL,
          phone text,
          avatar_url text,
          languages text[] NOT NULL DEFAULT '{}',
          locale text NOT NULL DEFAULT 'ru' CHECK (locale IN (${quoted(LOCALES)})),
          roles text[] NOT NULL DEFAULT '{guest}'
            CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${quoted(ROLES)}]::text[]),
          email_verified_at timestamptz,
          blocked_at timestamptz,
          token_version integer NOT NULL DEFAULT 0,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      await sql`CREATE INDEX users_created_at ON users (created_at, id)`.execute(db);
      await sql`
        CREATE TABLE one_time_tokens (
          token_hash text PRIMARY KEY,
          user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          purpose text NOT NULL CHECK (purpose IN (${quoted(ONE_TIME_TOKEN_PURPOSES)})),
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
      await sql`CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose)`.execute(db);
      await sql`
        CREATE TABLE mail_outbox (
          id bigserial PRIMARY KEY,
          to_email text NOT NULL,
          template text NOT NULL,
          payload jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`.execute(db);
    },
  },
  '2026-12-02-mail-delivery': {
    async up(db) {
      await sql`
        ALTER TABLE mail_outbox
          ADD COLUMN sent_at timestamptz,
          ADD COLUMN failed_at timestamptz,
          ADD COLUMN attempts integer NOT NULL DEFAULT 0,
          ADD COLUMN last_error text,
          ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now()`.execute(db);
      // Mail written while nothing delivered it carries tokens that have mostly expired: not sent late.
      await sql`
        UPDATE mail_outbox SET failed_at = now(), last_error = 'written before mail was delivered'`.execute(
        db,
      );
      await sql`
        CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
          WHERE sent_at IS NULL AND failed_at IS NULL`.execute(db);
    },
  },
};
