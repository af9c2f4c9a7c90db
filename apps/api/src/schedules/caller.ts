import { createParamDecorator, ForbiddenException, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import type { AuthIdentity } from '../auth/auth-identity';
import type { ApiErrorDto } from '../common/api-error.dto';

/**
 * Who asks, as the schedules see it: the user and project of their token, the token itself (a trust is created with
 * it), and whether they may act on every project's schedules (a cloud admin) or on their own project's only.
 */
export interface Caller {
  readonly userId: string;
  readonly userName: string;
  /** The token's project; null for a token not scoped to a project. */
  readonly projectId: string | null;
  readonly projectName: string | null;
  readonly projectDomainId: string | null;
  readonly token: string;
  /** A cloud admin: reads and manages every project's schedules. */
  readonly allProjects: boolean;
  /** The token came from an application credential (which cannot create a trust unless unrestricted). */
  readonly viaApplicationCredential: boolean;
  /** The whole identity, for the role checks of writes (`assertCanWrite`). */
  readonly identity: AuthIdentity;
}

export function callerOf(identity: AuthIdentity, token: string): Caller {
  return {
    userId: identity.user.id,
    userName: identity.user.name,
    projectId: identity.project?.id ?? null,
    projectName: identity.project?.name ?? null,
    projectDomainId: identity.project?.domainId ?? null,
    token,
    allProjects: identity.isCloudAdmin,
    viaApplicationCredential: identity.isApplicationCredential,
    identity,
  };
}

/** The caller of a route the auth guard authenticated. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentCaller used on a route the auth guard did not authenticate');
  return callerOf(auth.identity, auth.token);
});

/** Whether the caller may see (and, with a write role, change) what belongs to `projectId`. */
export function sees(caller: Caller, projectId: string | null): boolean {
  return caller.allProjects || (caller.projectId !== null && caller.projectId === projectId);
}

/** The project whose schedules a list shows: the caller's own, or (cloud admins) the one asked for, or all. */
export function listScope(caller: Caller, asked: string | undefined): string | undefined {
  if (caller.allProjects) return asked;
  if (caller.projectId === null) throw projectScopeNeeded();
  if (asked !== undefined && asked !== caller.projectId)
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: `Your token is scoped to project ${caller.projectId}; only a cloud admin may list project ${asked}`,
    } satisfies ApiErrorDto);
  return caller.projectId;
}

export function projectScopeNeeded(): ForbiddenException {
  return new ForbiddenException({
    statusCode: 403,
    error: 'Forbidden',
    message: 'Schedules belong to projects: use a token scoped to a project',
  } satisfies ApiErrorDto);
}
