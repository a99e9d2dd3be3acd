import { importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ConfigError, positiveInt } from './config';
import { DEV_JWT_PRIVATE_KEY, DEV_JWT_PUBLIC_KEY } from './dev-keys';
import { roleSchema, type Role } from './identity';

/**
 * Access tokens: short-lived EdDSA (Ed25519) JWTs. The users service signs them with the private key; the
 * gateway verifies them with the public key and never calls the users service on a request.
 */
const ALGORITHM = 'EdDSA';
const ISSUER = 'kvartirnsk-users';
const AUDIENCE = 'kvartirnsk';

/** PEM in an environment variable often arrives with literal "\n"; accept both forms. */
const pem = z
  .string()
  .min(1)
  .transform((value) => value.replaceAll('\\n', '\n'))
  .optional();

export const accessTokenConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  JWT_PUBLIC_KEY: pem,
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
};

export const signingConfigShape = {
  ...accessTokenConfigShape,
  JWT_PRIVATE_KEY: pem,
};

type KeyConfig = {
  NODE_ENV: string;
  JWT_PUBLIC_KEY?: string | undefined;
  JWT_PRIVATE_KEY?: string | undefined;
};

function keyOrDevDefault(config: KeyConfig, name: 'JWT_PUBLIC_KEY' | 'JWT_PRIVATE_KEY'): string {
  const given = config[name];
  if (given) return given;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(`${name} must be set in production; the committed development key is public`);
  }
  return name === 'JWT_PUBLIC_KEY' ? DEV_JWT_PUBLIC_KEY : DEV_JWT_PRIVATE_KEY;
}

export function verificationKeyFrom(config: KeyConfig): Promise<CryptoKey> {
  return importSPKI(keyOrDevDefault(config, 'JWT_PUBLIC_KEY'), ALGORITHM);
}

export function signingKeyFrom(config: KeyConfig): Promise<CryptoKey> {
  return importPKCS8(keyOrDevDefault(config, 'JWT_PRIVATE_KEY'), ALGORITHM);
}

export const accessClaimsSchema = z.object({
  sub: z.string().min(1).max(64),
  roles: z.array(roleSchema).min(1),
  /** The user's token version when this token was issued; bumped (in Redis) to revoke every token at once. */
  ver: z.number().int().nonnegative(),
  /** The refresh-token family (the session) this token belongs to; revoking the family revokes the token. */
  sid: z.string().min(1).max(64),
});

export interface AccessClaims {
  userId: string;
  roles: Role[];
  tokenVersion: number;
  sessionId: string;
}

export async function signAccessToken(
  key: CryptoKey,
  claims: AccessClaims,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ roles: claims.roles, ver: claims.tokenVersion, sid: claims.sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** The claims of a valid token, or undefined for anything else (bad signature, expired, malformed). */
export async function verifyAccessToken(key: CryptoKey, token: string): Promise<AccessClaims | undefined> {
  return (await verifiedToken(key, token))?.claims;
}

interface VerifiedToken {
  claims: AccessClaims;
  expiresAtMs: number;
}

async function verifiedToken(key: CryptoKey, token: string): Promise<VerifiedToken | undefined> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    const { sub, roles, ver, sid } = claims.data;
    return {
      claims: { userId: sub, roles, tokenVersion: ver, sessionId: sid },
      expiresAtMs: payload.exp! * 1000,
    };
  } catch {
    return undefined;
  }
}

/**
 * verifyAccessToken for a hot path (the gateway): a token whose signature and claims checked out is remembered
 * until it expires, so a client's requests cost one signature check per token instead of one each (an Ed25519
 * check is a large share of a proxied request's CPU). Only what the token itself proves is remembered: whether
 * its session was revoked or its user blocked is for the caller to check on every request.
 */
export function cachingTokenVerifier(key: CryptoKey, maxTokens = 10_000) {
  const verified = new LRUCache<string, VerifiedToken>({ max: maxTokens });
  return async (token: string): Promise<AccessClaims | undefined> => {
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.claims;
    if (known) verified.delete(token);
    const checked = await verifiedToken(key, token);
    if (checked) verified.set(token, checked);
    return checked?.claims;
  };
}
