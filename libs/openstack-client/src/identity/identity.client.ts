import { OpenStackError } from '../errors';
import { MalformedResponse } from '../http/json';
import type { HttpMethod, HttpResponse, HttpTransport } from '../http/transport';
import { joinUrl, type QueryValue } from '../http/url';
import type { RequestOptions } from '../service-client';
import {
  buildCreateTrustBody,
  buildLoginBody,
  parseTrustBody,
  parseTrustList,
  type ApplicationCredentialLogin,
  type AuthResult,
  type CreateTrustInput,
  type ListTrustsFilter,
  type PasswordLogin,
  type TokenInfo,
  type Trust,
  type UserRef,
} from './identity.models';
import { parseIdentityBody, type Session } from './session';

/** Options of a call made with a user's own token rather than the service session's. */
export interface UserTokenOptions extends RequestOptions {
  /** The user's token (a secret: never logged). Without it, the service session's token is used. */
  authToken?: string;
}

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
      url: joinUrl(this.session.identityUrl(), '/auth/tokens', { nocatalog: '' }),
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
        url: joinUrl(this.session.identityUrl(), '/auth/tokens'),
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

  /**
   * The session's own token with its details, to hand to another service that takes Keystone tokens (e.g. a CLI
   * calling Peak's API as the configured user). `rejected` is a token that service refused (401): it is forgotten if
   * still current, so a new one is issued. A token given by the configuration (`v3token`) is exchanged, as always.
   */
  async issueToken(rejected?: string): Promise<AuthResult> {
    if (rejected !== undefined) this.session.invalidate(rejected);
    const { token, info } = await this.session.current();
    return { token, ...info };
  }

  /**
   * The user this client's session authenticates as (from its token), e.g. to name the service account as a
   * trust's trustee. On a trust-scoped client with impersonation, this is the trustor.
   */
  async currentUser(): Promise<UserRef> {
    return (await this.session.current()).info.user;
  }

  /**
   * Creates a trust (OS-TRUST) with the trustor's own token: Keystone lets only the trustor create a trust for
   * itself, so `authToken` must be a token of `input.trustorUserId` (not trust-scoped, not an application
   * credential's). Keystone's refusals come as `OpenStackError`: 403 (another user's token, no roles, a trust-scoped
   * token), 404 (unknown trustee, or a role the trustor does not hold on the project: "Could not find role"), 401 (the
   * user's token is invalid; not retried with the service account).
   */
  async createTrust(input: CreateTrustInput, options: UserTokenOptions & { authToken: string }): Promise<Trust> {
    const response = await this.trustCall('POST', '', '/v3/OS-TRUST/trusts', { ...options, body: buildCreateTrustBody(input) });
    return this.parse(response, '/v3/OS-TRUST/trusts', parseTrustBody);
  }

  /**
   * A trust, asked with the service session (the trustee, or an admin) or `authToken` (the trustor). A deleted,
   * expired or used-up trust is a 404 `OpenStackError`; a caller unrelated to it 403.
   */
  async getTrust(id: string, options: UserTokenOptions = {}): Promise<Trust> {
    const response = await this.trustCall('GET', `/${encodeURIComponent(id)}`, '/v3/OS-TRUST/trusts/{id}', options);
    return this.parse(response, '/v3/OS-TRUST/trusts/{id}', parseTrustBody);
  }

  /**
   * Deletes a trust, which revokes every token issued from it. Keystone lets only the trustor or an admin delete
   * one: pass the trustor's `authToken` unless the service account is an admin (the trustee gets 403). A trust that
   * is already gone is a 404 `OpenStackError`.
   */
  async deleteTrust(id: string, options: UserTokenOptions = {}): Promise<void> {
    await this.trustCall('DELETE', `/${encodeURIComponent(id)}`, '/v3/OS-TRUST/trusts/{id}', options);
  }

  /**
   * Trusts by trustor or trustee (Keystone allows each user its own; admins any). Listed without roles. Without a
   * filter Keystone answers admins only (403 otherwise).
   */
  async listTrusts(filter: ListTrustsFilter = {}, options: UserTokenOptions = {}): Promise<Trust[]> {
    const query: Record<string, QueryValue> = {};
    if (filter.trustorUserId !== undefined) query['trustor_user_id'] = filter.trustorUserId;
    if (filter.trusteeUserId !== undefined) query['trustee_user_id'] = filter.trusteeUserId;
    const response = await this.trustCall('GET', '', '/v3/OS-TRUST/trusts', { ...options, query });
    return this.parse(response, '/v3/OS-TRUST/trusts', parseTrustList);
  }

  /** A call to `/v3/OS-TRUST/trusts…`, with the user's token when given (no re-authentication), else the session's. */
  private trustCall(
    method: HttpMethod,
    suffix: string,
    pathTemplate: string,
    options: UserTokenOptions & { body?: unknown; query?: Record<string, QueryValue> },
  ): Promise<HttpResponse> {
    const request = {
      service: 'identity' as const,
      method,
      url: joinUrl(this.session.identityUrl(), `/OS-TRUST/trusts${suffix}`, options.query),
      pathTemplate,
      body: options.body,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    };
    if (options.authToken === undefined) return this.session.send(request);
    return this.transport.send({ ...request, headers: { 'X-Auth-Token': options.authToken } });
  }

  private parse<T>(response: HttpResponse, path: string, mapper: (body: unknown) => T): T {
    try {
      return mapper(response.body);
    } catch (error) {
      if (error instanceof MalformedResponse) {
        throw new OpenStackError({
          service: 'identity',
          status: response.status,
          fault: 'BadResponse',
          path,
          requestId: response.requestId,
          message: `Unexpected Keystone response to ${path}: ${error.message}`,
        });
      }
      throw error;
    }
  }
}
