import { z } from 'zod';
import { positiveInt, url } from '@kvartirnsk/lib/config';

/** Settings of the users service beyond the shared ones (Redis, token keys). */
export const usersConfigShape = {
  USERS_DATABASE_URL: url('postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/users'),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  /** Failed sign-ins for one account before each further attempt must wait (1 s, 2 s, 4 s, ... up to 60 s). */
  SIGN_IN_SLOWDOWN_AFTER: positiveInt(3),
  /** Failed sign-ins for one account within the window before it is locked for SIGN_IN_LOCK_SECONDS. */
  SIGN_IN_LOCK_AFTER: positiveInt(10),
  /** Failed sign-ins from one address within the window before the address is locked. */
  SIGN_IN_ADDRESS_LOCK_AFTER: positiveInt(50),
  SIGN_IN_FAILURE_WINDOW_SECONDS: positiveInt(15 * 60),
  SIGN_IN_LOCK_SECONDS: positiveInt(15 * 60),
  /**
   * Which hops may tell us the client address (X-Forwarded-For), in Express "trust proxy" terms: the
   * gateway on loopback locally, its container network in docker-compose. Per-address lockout needs it.
   */
  TRUSTED_PROXIES: z.string().min(1).default('loopback'),
};

export type UsersConfig = {
  REFRESH_TOKEN_TTL_SECONDS: number;
  ACCESS_TOKEN_TTL_SECONDS: number;
  SIGN_IN_SLOWDOWN_AFTER: number;
  SIGN_IN_LOCK_AFTER: number;
  SIGN_IN_ADDRESS_LOCK_AFTER: number;
  SIGN_IN_FAILURE_WINDOW_SECONDS: number;
  SIGN_IN_LOCK_SECONDS: number;
  TRUSTED_PROXIES: string;
};
