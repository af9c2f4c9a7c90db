import type { CloudConfig } from '../config/cloud-config';
import { OpenStackError, type ServiceType } from '../errors';
import { MalformedResponse } from '../http/json';
import type { HttpRequest, HttpResponse, HttpTransport } from '../http/transport';
import { joinUrl } from '../http/url';
import { normalizeAuthUrl } from '../config/load-cloud-config';
import type { OpenStackLogger } from '../logger';
import { findEndpoint } from './catalog';
import { buildServiceAuthBody, parseTokenBody, type TokenInfo } from './identity.models';

export interface SessionOptions {
  /** Refresh a token that has less than this left (default 120 s). */
  refreshMarginMs: number;
  logger: OpenStackLogger;
  /**
   * Authenticate with the service account's credentials scoped to this trust instead of the configured project
   * (a trust-scoped session: the account must be the trust's trustee, with password credentials).
   */
  trustId?: string;
}

interface CachedToken {
  token: string;
  info: TokenInfo;
  /** Local clock time after which the token is refreshed before use. */
  refreshAt: number;
}

/** A request to a catalog service: the URL is built once the endpoint is known. */
export type ServiceRequest = Omit<HttpRequest, 'url'> & { url: string };

/**
 * The service account's Keystone session: one token shared by every call, obtained lazily,
 * refreshed before it expires and once more when a service answers 401 (revoked, or the
 * clocks disagree). Concurrent callers share a single authentication.
 */
export class Session {
  private cached?: CachedToken;
  private pending?: Promise<CachedToken>;
  /** Expiry of the last token issued, kept across `invalidate`: a renewal that does not outlive it is used to its end. */
  private lastExpiresAt?: number;

  constructor(
    readonly config: CloudConfig,
    private readonly transport: HttpTransport,
    private readonly options: SessionOptions,
  ) {}

  /** The current service token and its details, authenticating if needed. */
  async current(): Promise<{ token: string; info: TokenInfo }> {
    const cached = this.cached;
    if (cached && this.transport.now() < cached.refreshAt) return cached;
    if (cached)
      this.options.logger.debug('identity token close to expiry, re-authenticating', { expiresAt: cached.info.expiresAt.toISOString() });
    return this.authenticate();
  }

  /** Forgets `token` if it is still the current one, so the next call authenticates again. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  /**
   * The URL of a service: its configured override (`<service>_endpoint_override`, with `%(project_id)s` filled in from
   * the token), else the catalog's; `aliases` are other catalog types it may be published under.
   */
  async endpoint(type: ServiceType, aliases?: readonly string[]): Promise<string> {
    const { info } = await this.current();
    const override = this.config.endpointOverrides?.[type];
    if (override !== undefined) return override.replace(/[%$]\(project_id\)s/g, info.project?.id ?? '');
    return findEndpoint(info.catalog, { type, aliases, interface: this.config.interface, region: this.config.regionName });
  }

  /**
   * Keystone's v3 root for calls other than authentication (validation, revocation, trusts): the identity endpoint
   * override when one is configured, else the auth URL. Tokens are always issued at the auth URL.
   */
  identityUrl(): string {
    const override = this.config.endpointOverrides?.identity;
    return override !== undefined ? normalizeAuthUrl(override) : this.config.auth.authUrl;
  }

  /**
   * Sends an authenticated request. On 401 the token is dropped and the request replayed once with a
   * new one: Keystone middleware rejects before the service acts, so even a POST is safe to replay.
   */
  async send(request: ServiceRequest): Promise<HttpResponse> {
    const first = await this.current();
    try {
      return await this.transport.send(withToken(request, first.token));
    } catch (error) {
      if (!(error instanceof OpenStackError) || error.status !== 401) throw error;
      this.options.logger.warn(`${request.service} answered 401, re-authenticating once`, {
        requestId: error.requestId,
        path: request.pathTemplate,
      });
      this.invalidate(first.token);
      const second = await this.current();
      return this.transport.send({ ...withToken(request, second.token), firstAttempt: 2 });
    }
  }

  private authenticate(): Promise<CachedToken> {
    this.pending ??= this.issueToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async issueToken(): Promise<CachedToken> {
    const sentAt = this.transport.now();
    const response = await this.transport
      .send({
        service: 'identity',
        method: 'POST',
        url: joinUrl(this.config.auth.authUrl, '/auth/tokens'),
        pathTemplate: '/v3/auth/tokens',
        body: buildServiceAuthBody(this.config.auth, this.options.trustId),
        // Issuing a token changes nothing on the cloud: safe to retry on 503s and resets.
        idempotent: true,
      })
      .catch((error: unknown) => {
        throw this.config.auth.type === 'token' ? explainRefusedToken(error) : error;
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
    const info = parseIdentityBody(response, '/v3/auth/tokens');
    // Measure the lifetime on Keystone's own clock and count it from our send time, so a skewed local clock
    // cannot make us use an expired token.
    const lifetime = info.expiresAt.getTime() - (info.issuedAt?.getTime() ?? sentAt);
    // Keystone caps a token at the life of what it came from (the given token of v3token, a trust): when renewing
    // brought no more life, renewing again early would bring none either, so this one is used until it expires.
    const capped = this.lastExpiresAt !== undefined && info.expiresAt.getTime() <= this.lastExpiresAt;
    const margin = capped ? 0 : Math.min(this.options.refreshMarginMs, lifetime / 2);
    if (capped) this.options.logger.warn('identity token cannot be renewed past its expiry', { expiresAt: info.expiresAt.toISOString() });
    this.lastExpiresAt = info.expiresAt.getTime();
    const cached = { token, info, refreshAt: sentAt + lifetime - margin };
    this.cached = cached;
    this.options.logger.debug('identity token issued', {
      expiresAt: info.expiresAt.toISOString(),
      project: info.project?.name,
      trust: info.trust?.id,
      requestId: response.requestId,
    });
    return cached;
  }
}

/**
 * Keystone refusing the configured token (v3token) means that token is expired, revoked or wrong: nothing a retry or
 * another call can fix, so the error says so and names the setting.
 */
function explainRefusedToken(error: unknown): unknown {
  if (!(error instanceof OpenStackError) || (error.status !== 401 && error.status !== 404)) return error;
  return new OpenStackError({
    service: 'identity',
    status: error.status,
    fault: error.fault,
    method: error.method,
    path: error.path,
    detail: error.detail,
    requestId: error.requestId,
    message:
      'Keystone refused the configured token (OS_TOKEN or auth.token, auth type v3token): it is expired, revoked or invalid, ' +
      `so no new token can be obtained with it; configure a fresh token, a password or an application credential (${error.message})`,
    cause: error,
  });
}

export function withToken(request: ServiceRequest, token: string): HttpRequest {
  return { ...request, headers: { ...request.headers, 'X-Auth-Token': token } };
}

/** Turns a shape problem in a Keystone body into an `OpenStackError`. */
export function parseIdentityBody(response: HttpResponse, path: string): TokenInfo {
  try {
    return parseTokenBody(response.body);
  } catch (error) {
    if (error instanceof MalformedResponse) {
      throw new OpenStackError({
        service: 'identity',
        status: response.status,
        fault: 'BadResponse',
        path,
        requestId: response.requestId,
        message: `Unexpected Keystone token body: ${error.message}`,
      });
    }
    throw error;
  }
}

/**
 * A session that calls with a user's token as given (see `OpenStackClient.withToken`): no password, no renewal and no
 * replay on 401 (a 401 reaches the caller as an `OpenStackError`). Endpoints come from `endpoints`, the service
 * account's session, so the user's token needs no catalog. Its details are asked of Keystone once, on first use of
 * {@link current} (a user may validate its own token).
 */
export class UserTokenSession extends Session {
  private details?: Promise<TokenInfo>;

  constructor(
    private readonly endpoints: Session,
    private readonly token: string,
    private readonly http: HttpTransport,
    options: SessionOptions,
  ) {
    super(endpoints.config, http, options);
  }

  override async current(): Promise<{ token: string; info: TokenInfo }> {
    this.details ??= this.validate().catch((error: unknown) => {
      this.details = undefined;
      throw error;
    });
    return { token: this.token, info: await this.details };
  }

  /** Nothing to forget: the token is the caller's. */
  override invalidate(): void {
    // The user's token cannot be renewed here.
  }

  override endpoint(type: ServiceType, aliases?: readonly string[]): Promise<string> {
    return this.endpoints.endpoint(type, aliases);
  }

  override send(request: ServiceRequest): Promise<HttpResponse> {
    return this.http.send(withToken(request, this.token));
  }

  private async validate(): Promise<TokenInfo> {
    const response = await this.send({
      service: 'identity',
      method: 'GET',
      url: joinUrl(this.identityUrl(), '/auth/tokens', { nocatalog: '' }),
      pathTemplate: '/v3/auth/tokens',
      headers: { 'X-Subject-Token': this.token },
    });
    return parseIdentityBody(response, '/v3/auth/tokens');
  }
}
