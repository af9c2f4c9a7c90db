import { readFileSync } from 'node:fs';
import { ComputeClient } from './compute/compute.client';
import type { CloudConfig } from './config/cloud-config';
import type { RetryPolicy } from './http/retry';
import { HttpTransport } from './http/transport';
import { IdentityClient } from './identity/identity.client';
import { Session } from './identity/session';
import { ImageClient } from './image/image.client';
import { silentLogger, type OpenStackLogger, type RequestHook } from './logger';
import { NetworkClient } from './network/network.client';

export interface OpenStackClientOptions {
  /** Receives debug lines per call and warnings on retries; never secrets. Default: silent. */
  logger?: OpenStackLogger;
  /** Called after every HTTP attempt (service, method, path template, status, duration, request id). */
  onRequest?: RequestHook;
  /** Per-attempt timeout of every call (default 30 s). */
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
 * (Neutron v2.0). Creating it does no I/O: it authenticates on the first call, so an application can
 * start while the cloud is unreachable.
 */
export class OpenStackClient {
  readonly identity: IdentityClient;
  readonly compute: ComputeClient;
  readonly image: ImageClient;
  readonly network: NetworkClient;

  private constructor(
    readonly config: CloudConfig,
    private readonly transport: HttpTransport,
    session: Session,
    logger: OpenStackLogger,
  ) {
    this.identity = new IdentityClient(session, transport);
    this.compute = new ComputeClient(session, transport, logger);
    this.image = new ImageClient(session);
    this.network = new NetworkClient(session);
  }

  static create(config: CloudConfig, options: OpenStackClientOptions = {}): OpenStackClient {
    const logger = options.logger ?? silentLogger;
    const transport = new HttpTransport({
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      logger,
      onRequest: options.onRequest,
      ca: config.caCertFile ? readFileSync(config.caCertFile, 'utf8') : undefined,
      verifyTls: config.verifyTls,
      userAgent: options.userAgent,
      now: options.now,
      sleep: options.sleep,
      random: options.random,
    });
    const session = new Session(config, transport, { refreshMarginMs: options.tokenRefreshMarginMs ?? 120_000, logger });
    return new OpenStackClient(config, transport, session, logger);
  }

  /** Closes the keep-alive sockets. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
