import { z } from 'zod';
import { roleSchema } from '@kvartirnsk/lib/identity';
import { LOCALES } from './schema';

// Response bodies of the users service, as its OpenAPI document describes them (requests are in app.ts).

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  languages: z.array(z.string()),
  locale: z.enum(LOCALES),
  roles: z.array(roleSchema),
  emailVerified: z.boolean(),
  blocked: z.boolean(),
  createdAt: z.iso.datetime(),
});

export const tokenResponseSchema = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  user: userSchema,
});

export const hostResponseSchema = z.object({ user: userSchema });

export const acceptedSchema = z.object({ status: z.literal('accepted') });

export const userPageSchema = z.object({
  items: z.array(userSchema),
  nextCursor: z.string().nullable(),
});

/** What any signed-in user may see of another: a host of a guest who asks to stay, a guest of their host. */
export const publicProfileSchema = z.object({
  id: z.uuid(),
  /** The first name and initials ("Анна П."); the full name is the user's own. */
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  languages: z.array(z.string()),
  emailVerified: z.boolean(),
  isHost: z.boolean(),
  memberSince: z.iso.datetime(),
});

/** The profiles of the asked-for users that exist, in the order asked; unknown ids are left out. */
export const publicProfilesSchema = z.object({ items: z.array(publicProfileSchema) });

/** Where to mail users, for the services that mail them (the notification worker); never through the gateway. */
export const mailRecipientsSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      email: z.string(),
      locale: z.enum(LOCALES),
      /** Blocked users get no mail. */
      blocked: z.boolean(),
    }),
  ),
});

export const usersComponents = {
  PublicProfile: publicProfileSchema,
  User: userSchema,
  TokenResponse: tokenResponseSchema,
  Accepted: acceptedSchema,
};
