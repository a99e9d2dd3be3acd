import type { Request } from 'express';
import { z } from 'zod';
import { ProblemError, problemType } from './problem';

/**
 * Who is calling, as the gateway established it. The gateway verifies the access token, drops any of these
 * headers a client sent, and sets them for the service it forwards to; services listen only on the internal
 * network, so they trust these headers and never parse tokens themselves.
 */
export const USER_ID_HEADER = 'x-user-id';
export const USER_ROLES_HEADER = 'x-user-roles';

export const ROLES = ['guest', 'host', 'admin', 'finance'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export interface Actor {
  userId: string;
  roles: Role[];
}

const actorSchema = z.object({
  userId: z.string().min(1).max(64),
  roles: z.array(roleSchema).min(1),
});

export function identityHeaders(actor: Actor): Record<string, string> {
  return { [USER_ID_HEADER]: actor.userId, [USER_ROLES_HEADER]: actor.roles.join(',') };
}

/** The caller, or undefined for an anonymous request. */
export function actorOf(req: Request): Actor | undefined {
  const userId = req.header(USER_ID_HEADER);
  if (!userId) return undefined;
  const parsed = actorSchema.safeParse({
    userId,
    roles: (req.header(USER_ROLES_HEADER) ?? '').split(',').filter(Boolean),
  });
  return parsed.success ? parsed.data : undefined;
}

export function requireActor(req: Request): Actor {
  const actor = actorOf(req);
  if (!actor) {
    throw new ProblemError({
      type: problemType('unauthenticated'),
      title: 'Sign-in required',
      status: 401,
      detail: 'This request needs a signed-in user',
    });
  }
  return actor;
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role);
}

export const forbidden = (detail: string) =>
  new ProblemError({ type: problemType('forbidden'), title: 'Forbidden', status: 403, detail });

export const accountBlocked = () =>
  new ProblemError({
    type: problemType('account-blocked'),
    title: 'Account blocked',
    status: 403,
    detail: 'This account is blocked; contact support',
  });

/** The caller, who must hold at least one of the roles (a service's own check behind the gateway's). */
export function requireAnyRole(req: Request, ...roles: Role[]): Actor {
  const actor = requireActor(req);
  if (!roles.some((role) => hasRole(actor, role)))
    throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  return actor;
}
