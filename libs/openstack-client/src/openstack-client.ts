import { readFileSync } from 'node:fs';
import { BlockStorageClient } from './block-storage/block-storage.client';
import { ComputeClient } from './compute/compute.client';
import type { CloudConfig } from './config/cloud-config';
import { CloudConfigError } from './config/load-cloud-config';
import type { RetryPolicy } from './http/retry';
import { HttpTransport } from './http/transport';
import { IdentityClient } from './identity/identity.client';
import { Session, UserTokenSession, type SessionOptions } from './identity/session';
import { ImageClient } from './image/image.client';
import { LoadBalancerClient } from './load-balancer/load-balancer.client';
import { silentLogger, type OpenStackLogger, type RequestHook } from './logger';
import { NetworkClient } from './network/network.client';

export interface OpenStackClientOptions {
  /** Receives debug lines per call and warnings on retries; never secrets. Default: silent. */
  logger?: OpenStackLogger;
  /** Called after every HTTP attempt (service, method, path template, status, duration, request id). */
  onRequest?: RequestHook;
  /** Per-attempt timeout of every call (default: the config's `apiTimeoutMs`, else 30 s). */
  timeoutMs?: number;
  /** Retries of idempotent calls on connection errors, 502/503/504 and 429. */
  retry?: Partial<RetryPolicy>;
  /** Re-authenticate when the token has less than this left (default 120 s). */
  tokenRefreshMarginMs?: number;
  userAgent?: string;
  /** Time source (ms since epoch) for token expiry and wait deadlines. */
  now?: () => number;
  /** Seams for tests of the retry policy. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * The typed OpenStack client: `identity` (Keystone v3), `compute` (Nova), `image` (Glance v2), `network`
 * (Neutron v2.0), `blockStorage` (Cinder v3) and `loadBalancer` (Octavia v2); a cloud may lack the last two: see their
 * `available()`. Creating it
 * does no I/O: it authenticates on the first call, so an application can
 * start while the cloud is unreachable.
 */
export class OpenStackClient {
  readonly identity: IdentityClient;
  readonly compute: ComputeClient;
  readonly image: ImageClient;
  readonly network: NetworkClient;
  readonly blockStorage: BlockStorageClient;
  readonly loadBalancer: LoadBalancerClient;
  /** Trust-scoped clients by trust id (on the root client only). */
  private readonly trustClients = new Map<string, OpenStackClient>();

  private readonly session: Session;

  private constructor(
    readonly config: CloudConfig,
    private readonly transport: HttpTransport,
    private readonly sessionOptions: SessionOptions,
    /** The client a trust-scoped or user-token client was made from; it owns the transport. */
    private readonly root?: OpenStackClient,
    /** A user's token this client calls with, as given (made by {@link withToken}). */
    userToken?: string,
  ) {
    const { logger } = sessionOptions;
    const session =
      root && userToken !== undefined
        ? new UserTokenSession(root.session, userToken, transport, sessionOptions)
        : new Session(config, transport, sessionOptions);
    this.session = session;
    this.identity = new IdentityClient(session, transport);
    // A user-token client speaks to the root's endpoints: it reuses the microversion the root negotiated there.
    this.compute = new ComputeClient(session, transport, logger, userToken !== undefined ? root?.compute : undefined);
    this.image = new ImageClient(session);
    this.network = new NetworkClient(session);
    this.blockStorage = new BlockStorageClient(session);
    this.loadBalancer = new LoadBalancerClient(session);
  }

  /**
   * A client calling as a user, with that user's Keystone token as given (e.g. the token a request to the API came
   * with): Nova, Glance and Neutron then answer what the token's project may see and do, under the cloud's policies
   * for the token's roles (an admin's token still sees what admins see). Same config, transport and logger as this
   * client; the endpoints are the service account's (its catalog is consulted, so the service account authenticates
   * if it has not yet), and Nova's microversion is the one this client negotiated.
   *
   * The token is never renewed nor replaced: when it is invalid, revoked or expired, calls fail with the service's
   * 401 `OpenStackError`. Creating one does no I/O and nothing is cached: make one per request. `identity.serviceToken()`
   * and `identity.currentUser()` on it validate the user's token once (a user may validate its own token).
   *
   * Endpoints that embed the service project's id (the legacy `.../v2/<project_id>` Nova URL) are not rewritten for
   * the user's project: such a cloud would refuse the user's calls.
   */
  withToken(token: string): OpenStackClient {
    if (this.root) return this.root.withToken(token);
    if (token === '') throw new TypeError('withToken: empty token');
    return new OpenStackClient(this.config, this.transport, this.sessionOptions, this, token);
  }

  /** The trust this client's session is scoped to, if it was made by {@link forTrust}. */
  get trustId(): string | undefined {
    return this.sessionOptions.trustId;
  }

  /**
   * A client acting through a Keystone trust: same config, transport and logger, but its session authenticates with
   * the service account's credentials scoped to `{"OS-TRUST:trust": {"id": trustId}}`, so every call acts in the
   * trustor's project with the delegated roles (as the trustor with impersonation). The service account must be the
   * trust's trustee. Created without I/O and cached per trust id on the root client, so repeated calls share one
   * session; its token is renewed as the normal session's is.
   *
   * When the trust is deleted, expires or its trustor loses a delegated role, calls fail with the `OpenStackError` of
   * the re-authentication: 404 (service `identity`, "Could not find trust") or 403 ("Trustee has no delegated roles."),
   * or 401 from a service. Call {@link forgetTrust} then.
   *
   * @throws CloudConfigError when the service account uses an application credential: Keystone fixes an application
   *   credential's scope to its project, so it cannot be a trustee's login (use password credentials).
   */
  forTrust(trustId: string): OpenStackClient {
    if (this.root) return this.root.forTrust(trustId);
    if (this.config.auth.type !== 'password') {
      throw new CloudConfigError('forTrust needs a service account with password credentials', [
        this.config.auth.type === 'token'
          ? 'the service account authenticates with a given token (v3token), which cannot be renewed past its expiry: a trust-scoped session would die with it'
          : 'the service account authenticates with an application credential, whose scope Keystone fixes to its project: it cannot authenticate scoped to a trust',
      ]);
    }
    if (trustId === '') throw new TypeError('forTrust: empty trust id');
    let client = this.trustClients.get(trustId);
    if (!client) {
      client = new OpenStackClient(this.config, this.transport, { ...this.sessionOptions, trustId }, this);
      this.trustClients.set(trustId, client);
    }
    return client;
  }

  /** Drops the cached trust-scoped client of `trustId` (after the trust was deleted, or found gone). */
  forgetTrust(trustId: string): void {
    if (this.root) return this.root.forgetTrust(trustId);
    this.trustClients.delete(trustId);
  }

  static create(config: CloudConfig, options: OpenStackClientOptions = {}): OpenStackClient {
    const logger = options.logger ?? silentLogger;
    const cert = config.clientCertFile ? readFileSync(config.clientCertFile, 'utf8') : undefined;
    const transport = new HttpTransport({
      timeoutMs: options.timeoutMs ?? config.apiTimeoutMs,
      retry: options.retry,
      logger,
      onRequest: options.onRequest,
      ca: config.caCertFile ? readFileSync(config.caCertFile, 'utf8') : undefined,
      // A certificate file without a key file holds both (as `cert` alone means to the CLI).
      cert,
      key: config.clientKeyFile ? readFileSync(config.clientKeyFile, 'utf8') : cert,
      verifyTls: config.verifyTls,
      userAgent: options.userAgent,
      now: options.now,
      sleep: options.sleep,
      random: options.random,
    });
    return new OpenStackClient(config, transport, { refreshMarginMs: options.tokenRefreshMarginMs ?? 120_000, logger });
  }

  /** Closes the keep-alive sockets (shared with the trust-scoped and user-token clients: closing one of those does nothing). */
  close(): Promise<void> {
    if (this.root) return Promise.resolve();
    this.trustClients.clear();
    return this.transport.close();
  }
}
