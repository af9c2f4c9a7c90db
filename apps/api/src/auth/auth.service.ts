import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type ApplicationCredentialLogin, isOpenStackError, OpenStackClient, type PasswordLogin } from '@peak/openstack-client';
import { type AuthIdentity, identityOf } from './auth-identity';
import { AccessDenied, AuthChallenge, AuthenticationFailed } from './auth-errors';
import { authConfig } from './auth.config';
import type { LoginDto } from './dto/login.dto';
import { TokenCache } from './token-cache';

/** What a route asks of a caller's token, once it is known to be valid. */
export type Requirement = 'authenticated' | 'read' | 'write';

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
  private readonly cache: TokenCache;

  constructor(
    private readonly openstack: OpenStackClient,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {
    this.cache = new TokenCache({ ttlMs: config.cacheTtlSeconds * 1000, maxEntries: config.cacheMaxEntries });
    this.challenge = AuthChallenge.keystone(config.wwwAuthenticateUri ?? openstack.config.auth.authUrl);
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
    if (!TOKEN_SHAPE.test(token)) throw this.invalidToken();
    let identity: AuthIdentity;
    try {
      identity = await this.cache.resolve(token, async () => identityOf(await this.openstack.identity.validateToken(token)));
    } catch (error) {
      if (isOpenStackError(error) && error.status === 404) throw this.invalidToken();
      throw error;
    }
    if (identity.expiresAt.getTime() <= Date.now()) throw this.invalidToken();
    return identity;
  }

  /** 403 unless the identity meets the requirement (and, when `AUTH_PROJECTS` is set, is scoped to one of them). */
  authorize(identity: AuthIdentity, requirement: Requirement): void {
    const { projects } = this.config;
    if (
      projects.length > 0 &&
      !(identity.project && (projects.includes(identity.project.id) || projects.includes(identity.project.name)))
    ) {
      throw new AccessDenied(
        identity.project
          ? `Tokens scoped to project ${identity.project.name} are not accepted by this API`
          : 'This API needs a project-scoped token',
        this.challenge,
      );
    }
    if (requirement === 'authenticated') return;
    const needed = requirement === 'read' ? this.config.readRoles : this.config.writeRoles;
    if (needed.some((role) => identity.roles.includes(role))) return;
    const what = requirement === 'read' ? 'Reading' : 'Changing anything';
    throw new AccessDenied(
      `${what} needs one of the roles ${needed.join(', ')}; this token has ${identity.roles.length > 0 ? identity.roles.join(', ') : 'no role'}` +
        `${identity.project ? ` on project ${identity.project.name}` : ' (it is not scoped to a project)'}`,
      this.challenge,
    );
  }

  permissions(identity: AuthIdentity): { read: boolean; write: boolean } {
    const allowed = (requirement: Requirement) => {
      try {
        this.authorize(identity, requirement);
        return true;
      } catch {
        return false;
      }
    };
    return { read: allowed('read'), write: allowed('write') };
  }

  /**
   * Passes the credentials to Keystone and hands back the token it issues; nothing is stored but the (hashed)
   * validation result. A user without any read role gets a 403 and the token is revoked at once, so a login
   * that cannot use the API leaves nothing usable behind.
   */
  async login(dto: LoginDto): Promise<{ token: string; identity: AuthIdentity }> {
    let issued: Awaited<ReturnType<OpenStackClient['identity']['authenticate']>>;
    try {
      issued = await this.openstack.identity.authenticate(toKeystoneLogin(dto));
    } catch (error) {
      if (isOpenStackError(error) && error.status === 401) {
        throw new AuthenticationFailed('Keystone refused these credentials (user, password, domain or project)', this.challenge);
      }
      throw error;
    }
    const identity = identityOf(issued);
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
