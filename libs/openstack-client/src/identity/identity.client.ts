import { OpenStackError } from '../errors';
import type { HttpTransport } from '../http/transport';
import { joinUrl } from '../http/url';
import { buildLoginBody, type ApplicationCredentialLogin, type AuthResult, type PasswordLogin, type TokenInfo } from './identity.models';
import { parseIdentityBody, type Session } from './session';

/** Keystone v3: console logins and token validation, next to the client's own service session. */
export class IdentityClient {
  constructor(
    private readonly session: Session,
    private readonly transport: HttpTransport,
  ) {}

  /**
   * Authenticates a user with their own password (a console login) or an application credential (a tool).
   * Nothing is cached: the caller keeps the token. Wrong credentials are a 401 `OpenStackError`.
   */
  async authenticate(login: PasswordLogin | ApplicationCredentialLogin): Promise<AuthResult> {
    const response = await this.transport.send({
      service: 'identity',
      method: 'POST',
      url: joinUrl(this.session.config.auth.authUrl, '/auth/tokens', { nocatalog: '' }),
      pathTemplate: '/v3/auth/tokens',
      body: buildLoginBody(login),
      idempotent: true,
    });
    const token = response.headers.get('x-subject-token');
    if (!token) {
      throw new OpenStackError({
        service: 'identity',
        status: response.status,
        fault: 'BadResponse',
        method: 'POST',
        path: '/v3/auth/tokens',
        requestId: response.requestId,
        message: 'Keystone issued no X-Subject-Token header',
      });
    }
    return { token, ...parseIdentityBody(response, '/v3/auth/tokens') };
  }

  /**
   * Asks Keystone what `token` is worth, with the service account's token (Keystone's default policy lets
   * admins and services validate any token). An unknown, revoked or expired token is a 404 `OpenStackError`.
   */
  async validateToken(token: string): Promise<TokenInfo> {
    const response = await this.session.send({
      service: 'identity',
      method: 'GET',
      url: joinUrl(this.session.config.auth.authUrl, '/auth/tokens', { nocatalog: '' }),
      pathTemplate: '/v3/auth/tokens',
      headers: { 'X-Subject-Token': token },
    });
    return parseIdentityBody(response, '/v3/auth/tokens');
  }

  /** Revokes `token` (a console logout). Revoking an already invalid token is not an error. */
  async revokeToken(token: string): Promise<void> {
    try {
      await this.session.send({
        service: 'identity',
        method: 'DELETE',
        url: joinUrl(this.session.config.auth.authUrl, '/auth/tokens'),
        pathTemplate: '/v3/auth/tokens',
        headers: { 'X-Subject-Token': token },
      });
    } catch (error) {
      if (error instanceof OpenStackError && error.status === 404) return;
      throw error;
    }
  }

  /**
   * The service account's current token details (user, project, roles, expiry), authenticating if needed.
   * A cheap "can we reach and log in to the cloud" check for health endpoints.
   */
  async serviceToken(): Promise<TokenInfo> {
    return (await this.session.current()).info;
  }
}
