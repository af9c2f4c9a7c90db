/** The OpenStack services this client talks to (catalog types; Cinder is also found as `volumev3`). */
export type ServiceType = 'identity' | 'compute' | 'image' | 'network' | 'block-storage' | 'load-balancer';

/**
 * Fault names the client itself produces when there is no OpenStack fault body to report
 * (status 0 means no HTTP response was received at all).
 */
export type ClientFault =
  | 'Timeout'
  | 'ConnectionError'
  | 'Aborted'
  | 'BadResponse'
  | 'EndpointNotFound'
  | 'MicroversionUnsupported'
  | 'WaitTimeout'
  | 'ServerFault';

export interface OpenStackErrorInit {
  service: ServiceType;
  /** HTTP status, or 0 when no response was received (timeout, connection error, client-side check). */
  status: number;
  /** OpenStack's fault name (`itemNotFound`, `forbidden`, `overLimit`, `NeutronError`, Keystone's `error`...) or a {@link ClientFault}. */
  fault?: string;
  message: string;
  /** `x-openstack-request-id` (or `x-compute-request-id`) of the failed response, for the operator's logs. */
  requestId?: string;
  method?: string;
  /** Path template of the call, e.g. `/servers/{id}`: safe to log, never carries ids or secrets. */
  path?: string;
  /** Neutron's error `type` (e.g. `NetworkNotFound`) or Keystone's `title`. */
  detail?: string;
  /** Delay asked by the server through `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error every call of this library throws. It never carries request bodies, tokens or passwords,
 * so it can be logged as is.
 */
export class OpenStackError extends Error {
  override readonly name: string = 'OpenStackError';
  readonly service: ServiceType;
  readonly status: number;
  readonly fault?: string;
  readonly requestId?: string;
  readonly method?: string;
  readonly path?: string;
  readonly detail?: string;
  readonly retryAfterMs?: number;

  constructor(init: OpenStackErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.service = init.service;
    this.status = init.status;
    this.fault = init.fault;
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isForbidden(): boolean {
    return this.status === 403 && !this.isQuotaExceeded;
  }

  /**
   * Nova reports an exhausted quota as 403 `forbidden` ("Quota exceeded for cores: ...") since 2.1,
   * older clouds and some proxies as 413 `overLimit`; a plain rate limit (429) is not a quota.
   */
  get isQuotaExceeded(): boolean {
    if (this.status !== 403 && this.status !== 413) return false;
    return this.fault === 'overLimit' || /quota exceeded|exceeded quota|over ?limit/i.test(this.message);
  }

  /** The cloud did not answer usefully: no response, a gateway error or 503. Worth trying again later. */
  get isUnavailable(): boolean {
    return (
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504 ||
      (this.status === 0 && (this.fault === 'Timeout' || this.fault === 'ConnectionError'))
    );
  }

  /** Transient: worth trying again later. The client itself retries only idempotent calls, and not after a timeout. */
  get isRetryable(): boolean {
    return this.isUnavailable || this.status === 429;
  }

  /** A log-safe summary (no stack): `compute GET /servers/{id} -> 404 itemNotFound: ... [req-...]`. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      service: this.service,
      status: this.status,
      fault: this.fault,
      message: this.message,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      detail: this.detail,
    };
  }
}

/**
 * Octavia's 409 for a write while the load balancer (or the pool) is `PENDING_*`: "Pool {id} is immutable
 * and cannot be updated." Nothing was changed; try again once the load balancer is `ACTIVE`. Still an `OpenStackError`
 * (status 409, `isConflict`), so code that only knows the base type treats it as a conflict.
 */
export class LoadBalancerImmutableError extends OpenStackError {
  override readonly name: string = 'LoadBalancerImmutableError';

  /** Octavia's 409 bodies say "is immutable" only for this; other conflicts (a duplicate member) stay `OpenStackError`s. */
  static matches(error: unknown): error is OpenStackError {
    return (
      error instanceof OpenStackError && error.service === 'load-balancer' && error.status === 409 && /\bimmutable\b/i.test(error.message)
    );
  }

  static from(error: OpenStackError): LoadBalancerImmutableError {
    const { service, status, fault, message, requestId, method, path, detail } = error;
    return new LoadBalancerImmutableError({ service, status, fault, message, requestId, method, path, detail, cause: error });
  }
}

export function isOpenStackError(error: unknown): error is OpenStackError {
  return error instanceof OpenStackError;
}

export const isNotFound = (error: unknown): boolean => isOpenStackError(error) && error.isNotFound;
export const isConflict = (error: unknown): boolean => isOpenStackError(error) && error.isConflict;
export const isUnauthorized = (error: unknown): boolean => isOpenStackError(error) && error.isUnauthorized;
export const isForbidden = (error: unknown): boolean => isOpenStackError(error) && error.isForbidden;
export const isQuotaExceeded = (error: unknown): boolean => isOpenStackError(error) && error.isQuotaExceeded;
export const isUnavailable = (error: unknown): boolean => isOpenStackError(error) && error.isUnavailable;
export const isLoadBalancerImmutable = (error: unknown): error is LoadBalancerImmutableError => error instanceof LoadBalancerImmutableError;
export const isRetryable = (error: unknown): boolean => isOpenStackError(error) && error.isRetryable;
