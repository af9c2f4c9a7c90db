import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthIdentity } from './auth-identity';

/**
 * Who may call a route. Without a decorator the HTTP method decides: GET and HEAD are reads, anything else a
 * write. The guard reads this; so does the OpenAPI document (`security` per operation).
 * - `public`: no token (health, login, the Prometheus scrape unless `METRICS_TOKEN` is set);
 * - `authenticated`: any valid token, whatever its roles (who am I, logout);
 * - `read`: a read role, even for a POST that changes nothing (a preview);
 * - `metrics`: public, or `METRICS_TOKEN` when configured.
 */
export type AccessPolicy = 'public' | 'authenticated' | 'read' | 'metrics';

export const ACCESS_POLICY = 'peak:access-policy';

/**
 * The same policy as an OpenAPI extension on the operation, which `buildOpenApiDocument` turns into the
 * operation's `security` (and removes), so the spec and the guard cannot disagree.
 */
export const ACCESS_EXTENSION = 'x-peak-access';

function access(policy: AccessPolicy): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(ACCESS_POLICY, policy), ApiExtension(ACCESS_EXTENSION, policy));
}

/** No token needed. */
export const Public = () => access('public');

/** A POST (or other non-GET) that only reads: it needs a read role, not a write role. */
export const ReadOnly = () => access('read');

/** Any valid Keystone token, whatever its roles: for routes about the token itself. */
export const AuthenticatedOnly = () => access('authenticated');

/** The Prometheus scrape: public unless `METRICS_TOKEN` is configured. */
export const MetricsAccess = () => access('metrics');

/** What the guard leaves on the request for the handler. */
export interface AuthenticatedRequest extends Request {
  auth?: { token: string; identity: AuthIdentity };
}

/** The caller's validated identity (routes that are not public only). */
export const CurrentIdentity = createParamDecorator((_data: unknown, context: ExecutionContext): AuthIdentity => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentIdentity used on a route the auth guard did not authenticate');
  return auth.identity;
});

/** The caller's token itself (logout needs it to revoke it). */
export const CurrentToken = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentToken used on a route the auth guard did not authenticate');
  return auth.token;
});
