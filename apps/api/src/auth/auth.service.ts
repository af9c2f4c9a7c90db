import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  type ApplicationCredentialLogin,
  type CloudAuth,
  isOpenStackError,
  OpenStackClient,
  type PasswordLogin,
} from '@peak/openstack-client';
import { type AuthIdentity, identityOf } from './auth-identity';
import { ADMIN_ROLE, type AuthPolicy, describeProjectRule, describeRoles, matchesProject, type ProjectRule } from './auth-policy';
import { AccessDenied, AuthChallenge, AuthenticationFailed } from './auth-errors';
import { authConfig } from './auth.config';
import type { LoginDto } from './dto/login.dto';
import { AuthLimits } from './auth-limits';
import { TokenCache } from './token-cache';

/** What a route asks of a caller's token, once it is known to be valid. */
export type Requirement = 'authenticated' | 'read' | 'write';

/** What the login answer and who-am-I say the token allows. */
export interface TokenPermissions {
  read: boolean;
  write: boolean;
  cloudAdmin: boolean;
}

/**
 * The default of `AUTH_ADMIN_PROJECTS`: the project the API's own service account is scoped to (its id, or its
 * name in its domain). None for an application credential: its project is not in the configuration.
 */
export function serviceAccountProject(auth: CloudAuth): ProjectRule[] {
  if (auth.type !== 'password') return [];
  if (auth.projectId) return [{ id: auth.projectId }];
  const domain = auth.projectDomainId ?? auth.projectDomainName;
  return auth.projectName && domain ? [{ name: auth.projectName, domain }] : [];
}

/**
 * Fernet and JWS tokens are URL-safe base64 with dots; Keystone's largest are a few hundred bytes. Anything else
 * is refused without bothering Keystone.
 */
const TOKEN_SHAPE = /^[A-Za-z0-9._~+/=-]{1,8192}$/;

/**
 * Keystone decides who a token belongs to and which roles it carries; this service asks it (with the API's own
 * service token, as keystonemiddleware does), remembers the answer briefly, and applies the API's role policy.
 */
@Injectable()
export class AuthService {
  readonly challenge: AuthChallenge;
  /** The rules every identity is judged by (`identity.canRead`, `canWrite`, `isCloudAdmin`). */
  readonly policy: AuthPolicy;
  private readonly cache: TokenCache;
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly openstack: OpenStackClient,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    private readonly limits: AuthLimits,
  ) {
    this.cache = new TokenCache({
      ttlMs: config.cacheTtlSeconds * 1000,
      negativeTtlMs: config.negativeCacheSeconds * 1000,
      maxEntries: config.cacheMaxEntries,
    });
    this.challenge = AuthChallenge.keystone(config.wwwAuthenticateUri ?? openstack.config.auth.authUrl);
    this.policy = {
      readRoles: config.readRoles,
      writeRoles: config.writeRoles,
      adminProjects: config.adminProjects ?? serviceAccountProject(openstack.config.auth),
      allowDomainScope: config.allowDomainScope,
      allowSystemScope: config.allowSystemScope,
    };
    this.logger.log(
      this.policy.adminProjects.length > 0
        ? `Cloud admins: ${ADMIN_ROLE} on ${this.policy.adminProjects.map(describeProjectRule).join(', ')}`
        : 'No cloud admin: AUTH_ADMIN_PROJECTS is empty (or unset with an application-credential service account)',
    );
  }

  /** Tokens whose validation is remembered right now (for metrics and tests). */
  get cachedTokens(): number {
    return this.cache.size;
  }

  /**
   * The identity behind `token`: 401 when Keystone does not know it (unknown, revoked, expired) or it has expired
   * since; the cloud's own failures (Keystone down, our service account refused) go on as `OpenStackError`s.
   */
  async identify(token: string): Promise<AuthIdentity> {
    if (!TOKEN_SHAPE.test(token) || this.cache.isRejected(token)) throw this.invalidToken();
    let identity: AuthIdentity;
    try {
      identity = await this.cache.resolve(token, async () => identityOf(await this.openstack.identity.validateToken(token), this.policy));
    } catch (error) {
      if (isOpenStackError(error) && error.status === 404) {
        // Keystone's "no such token" is final for that token: asking again within the negative TTL would only let
        // a flood of one bad token through to Keystone.
        this.cache.reject(token);
        throw this.invalidToken();
      }
      throw error;
    }
    if (identity.expiresAt.getTime() <= Date.now()) throw this.invalidToken();
    return identity;
  }

  /**
   * 403 unless the identity meets the route's requirement: a token scoped the way this API accepts (a project, in
   * `AUTH_PROJECTS` when set; domain and system scopes only when allowed), and for reads a read role on its project,
   * for writes a write role, or a cloud admin. Which project a schedule belongs to is the services' check
   * (`assertCanRead`/`assertCanWrite`).
   */
  authorize(identity: AuthIdentity, requirement: Requirement): void {
    this.checkScope(identity, requirement);
    if (requirement === 'authenticated' || identity.isCloudAdmin) return;
    const needed = requirement === 'read' ? this.config.readRoles : this.config.writeRoles;
    if (identity.project && needed.some((role) => identity.roles.includes(role))) return;
    const what = requirement === 'read' ? 'Reading' : 'Changing anything';
    throw new AccessDenied(
      `${what} needs one of the roles ${needed.join(', ')}; this token has ${describeRoles(identity)}` +
        `${identity.project ? ` on project ${identity.project.name}` : ` on its ${identity.scope} scope`}`,
      this.challenge,
    );
  }

  private checkScope(identity: AuthIdentity, requirement: Requirement): void {
    const refuse = (message: string): never => {
      throw new AccessDenied(message, this.challenge);
    };
    switch (identity.scope) {
      case 'project': {
        const { projects } = this.config;
        const project = identity.project;
        if (project && projects.length > 0 && !projects.some((rule) => matchesProject(rule, project))) {
          refuse(
            `Tokens scoped to project ${project.name} (domain ${project.domainName ?? project.domainId}) are not accepted by this API`,
          );
        }
        return;
      }
      case 'unscoped':
        return refuse('This API needs a project-scoped token; this one is unscoped');
      case 'domain':
      case 'system': {
        const allowed = identity.scope === 'domain' ? this.policy.allowDomainScope : this.policy.allowSystemScope;
        const variable = identity.scope === 'domain' ? 'AUTH_ALLOW_DOMAIN_SCOPE' : 'AUTH_ALLOW_SYSTEM_SCOPE';
        if (!allowed)
          return refuse(`This API needs a project-scoped token; ${identity.scope}-scoped tokens are not accepted (${variable})`);
        if (requirement !== 'authenticated' && !identity.isCloudAdmin) {
          refuse(`A ${identity.scope}-scoped token counts only with the role ${ADMIN_ROLE}; this one has ${describeRoles(identity)}`);
        }
        return;
      }
    }
  }

  /** What the token allows on routes (its own project, or every project for a cloud admin). */
  permissions(identity: AuthIdentity): TokenPermissions {
    const allowed = (requirement: Requirement) => {
      try {
        this.authorize(identity, requirement);
        return true;
      } catch {
        return false;
      }
    };
    return { read: allowed('read'), write: allowed('write'), cloudAdmin: allowed('authenticated') && identity.isCloudAdmin };
  }

  /**
   * Passes the credentials to Keystone and hands back the token it issues; nothing is stored but the (hashed)
   * validation result. A user without any read role gets a 403 and the token is revoked at once, so a login
   * that cannot use the API leaves nothing usable behind.
   */
  async login(dto: LoginDto, address: string): Promise<{ token: string; identity: AuthIdentity }> {
    const user = loginName(dto);
    this.limits.checkLogin(address, user);
    let issued: Awaited<ReturnType<OpenStackClient['identity']['authenticate']>>;
    try {
      issued = await this.openstack.identity.authenticate(toKeystoneLogin(dto));
    } catch (error) {
      if (isOpenStackError(error) && error.status === 401) {
        this.limits.loginFailed(address, user);
        throw new AuthenticationFailed('Keystone refused these credentials (user, password, domain or project)', this.challenge);
      }
      throw error;
    }
    this.limits.loginSucceeded(user);
    const identity = identityOf(issued, this.policy);
    try {
      this.authorize(identity, 'read');
    } catch (error) {
      await this.openstack.identity.revokeToken(issued.token).catch(() => undefined);
      throw error;
    }
    this.cache.remember(issued.token, identity);
    return { token: issued.token, identity };
  }

  /** Revokes the token at Keystone and forgets it here, so it stops working at once on this replica. */
  async logout(token: string): Promise<void> {
    this.cache.evict(token);
    await this.openstack.identity.revokeToken(token);
    this.cache.evict(token);
  }

  private invalidToken(): AuthenticationFailed {
    return new AuthenticationFailed('The token is invalid, expired or revoked: log in again', this.challenge);
  }
}

/** Whose password is being tried: the user in its domain, or the application credential. */
function loginName(dto: LoginDto): string {
  if (dto.applicationCredentialId !== undefined) return `application-credential:${dto.applicationCredentialId}`;
  return `${dto.userDomainName ?? 'Default'}/${dto.username ?? ''}`;
}

function toKeystoneLogin(dto: LoginDto): PasswordLogin | ApplicationCredentialLogin {
  if (dto.applicationCredentialId !== undefined) {
    return { applicationCredentialId: dto.applicationCredentialId, applicationCredentialSecret: dto.applicationCredentialSecret ?? '' };
  }
  return {
    username: dto.username ?? '',
    password: dto.password ?? '',
    userDomainName: dto.userDomainName ?? 'Default',
    ...(dto.projectName !== undefined && {
      projectName: dto.projectName,
      projectDomainName: dto.projectDomainName ?? dto.userDomainName ?? 'Default',
    }),
  };
}
