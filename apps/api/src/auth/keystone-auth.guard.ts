import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { markNotAudited } from '../audit/audit-recorder';
import { ACCESS_POLICY, type AccessPolicy, type AuthenticatedRequest } from './access.decorators';
import { AuthChallenge, AuthenticationFailed } from './auth-errors';
import type { AuthIdentity } from './auth-identity';
import { AuthLimits } from './auth-limits';
import { authConfig } from './auth.config';
import { AuthService, type Requirement } from './auth.service';
import { clientAddress } from './client-address';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * The access policy of a route: its decorator's, else the HTTP method's (GET and HEAD read, the rest write).
 * `buildOpenApiDocument` marks operations by the same rule.
 */
function accessPolicyOf(
  reflector: Reflector,
  handler: ReturnType<ExecutionContext['getHandler']>,
  controller: ReturnType<ExecutionContext['getClass']>,
  method: string,
): AccessPolicy | 'write' {
  // A handler's decorator wins over its controller's.
  const declared = reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [handler, controller]);
  return declared ?? (READ_METHODS.has(method.toUpperCase()) ? 'read' : 'write');
}

/**
 * The caller's token from `X-Auth-Token` (OpenStack's header) or `Authorization: Bearer`; undefined when neither
 * is sent. Two different tokens in one request are refused rather than guessed between.
 */
export function tokenOf(request: AuthenticatedRequest, challenge: AuthChallenge): string | undefined {
  const header = request.headers['x-auth-token'];
  const xAuthToken = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
  const authorization = request.headers.authorization;
  let bearer: string | undefined;
  if (authorization !== undefined && authorization.trim() !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match) throw new AuthenticationFailed('Authorization must be "Bearer <Keystone token>"', challenge);
    bearer = match[1];
  }
  if (xAuthToken !== undefined && bearer !== undefined && xAuthToken !== bearer) {
    throw new AuthenticationFailed('X-Auth-Token and Authorization carry different tokens: send one', challenge);
  }
  return xAuthToken ?? bearer;
}

/**
 * Every route needs a valid Keystone token unless it says otherwise (`@Public()`), so a new controller is protected
 * without anyone remembering to protect it. Writes need a write role, reads a read role (see {@link AuthService}).
 * Registered as the app-wide guard by `AuthModule`; it runs after the request log and metrics middleware, so
 * refused requests are logged and counted like any other.
 */
@Injectable()
export class KeystoneAuthGuard implements CanActivate {
  private readonly metricsDigest?: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limits: AuthLimits,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.metricsDigest = config.metricsToken === undefined ? undefined : sha256(config.metricsToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const policy = accessPolicyOf(this.reflector, context.getHandler(), context.getClass(), request.method);
    // A write route that only reads (a preview) changes nothing worth an audit record.
    if (policy === 'read' && !READ_METHODS.has(request.method.toUpperCase())) markNotAudited(request);
    switch (policy) {
      case 'public':
        return true;
      case 'metrics':
        this.checkMetricsToken(request);
        return true;
      case 'authenticated':
      case 'read':
      case 'write':
        await this.authenticate(request, policy);
        return true;
    }
  }

  private async authenticate(request: AuthenticatedRequest, requirement: Requirement): Promise<void> {
    const token = tokenOf(request, this.auth.challenge);
    if (token === undefined) {
      throw new AuthenticationFailed(
        'Authentication required: send a Keystone token in X-Auth-Token (POST /v1/auth/tokens issues one)',
        this.auth.challenge,
      );
    }
    const address = clientAddress(request);
    this.limits.checkToken(address);
    let identity: AuthIdentity;
    try {
      identity = await this.auth.identify(token);
    } catch (error) {
      if (error instanceof AuthenticationFailed) this.limits.tokenFailed(address);
      throw error;
    }
    this.auth.authorize(identity, requirement);
    request.auth = { token, identity };
  }

  /** Prometheus sends `Authorization: Bearer <token>` (its `authorization` scrape setting); compared in constant time. */
  private checkMetricsToken(request: AuthenticatedRequest): void {
    if (this.metricsDigest === undefined) return;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
    if (match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), this.metricsDigest)) return;
    throw new AuthenticationFailed(
      'The metrics need the scrape token (METRICS_TOKEN) as a Bearer token',
      new AuthChallenge('Bearer realm="metrics"'),
    );
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
