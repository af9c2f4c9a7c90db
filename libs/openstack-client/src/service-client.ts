import { OpenStackError, type ServiceType } from './errors';
import { MalformedResponse } from './http/json';
import type { HttpMethod, HttpResponse } from './http/transport';
import { expandPath, joinUrl, type QueryValue } from './http/url';
import type { Session } from './identity/session';

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, QueryValue> | URLSearchParams;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Per-call settings a caller may pass to any operation. */
export interface RequestOptions {
  /** Per-attempt timeout for this call. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Most pages a listing follows before giving up: a guard against a cloud that loops its `next` links. */
const MAX_PAGES = 10_000;

/** What every service client shares: the endpoint from the catalog, authenticated calls, typed parsing. */
export abstract class ServiceClient {
  private baseUrl?: Promise<string>;

  protected constructor(
    protected readonly session: Session,
    protected readonly service: ServiceType,
  ) {}

  /** The versioned base URL of the service; resolved once, retried after a failure. */
  protected base(): Promise<string> {
    this.baseUrl ??= this.resolveBaseUrl().catch((error: unknown) => {
      this.baseUrl = undefined;
      throw error;
    });
    return this.baseUrl;
  }

  /** From the catalog URL to the URL paths are appended to. */
  protected abstract resolveBaseUrl(): Promise<string>;

  /**
   * For a service a cloud may lack (Cinder, Octavia): whether the catalog has it at the configured interface and
   * region. Other failures (Keystone unreachable...) are thrown.
   */
  async available(): Promise<boolean> {
    try {
      await this.base();
      return true;
    } catch (error) {
      if (error instanceof OpenStackError && error.fault === 'EndpointNotFound') return false;
      throw error;
    }
  }

  /** The catalog URL of an optional service; its absence is said in words (`what`: "block storage (Cinder)"). */
  protected async optionalEndpoint(what: string, aliases?: readonly string[]): Promise<string> {
    try {
      return await this.session.endpoint(this.service, aliases);
    } catch (error) {
      if (!(error instanceof OpenStackError) || error.fault !== 'EndpointNotFound') throw error;
      throw new OpenStackError({
        service: this.service,
        status: 0,
        fault: 'EndpointNotFound',
        message: `This cloud offers no ${what} to this client: ${error.message}`,
        cause: error,
      });
    }
  }

  /** Extra headers for every call (Nova's microversion). */
  protected extraHeaders(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }

  protected async call(method: HttpMethod, pathTemplate: string, options: CallOptions = {}): Promise<HttpResponse> {
    const base = await this.base();
    return this.callUrl(method, joinUrl(base, expandPath(pathTemplate, options.params), options.query), pathTemplate, options);
  }

  protected async callUrl(method: HttpMethod, url: string, pathTemplate: string, options: CallOptions = {}): Promise<HttpResponse> {
    return this.session.send({
      service: this.service,
      method,
      url,
      pathTemplate,
      headers: { ...(await this.extraHeaders()), ...options.headers },
      body: options.body,
      idempotent: options.idempotent,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
  }

  /** Runs a body mapper, reporting a wrong shape as an `OpenStackError` with the response's status and request id. */
  protected parse<T>(response: HttpResponse, pathTemplate: string, mapper: (body: unknown) => T): T {
    try {
      return mapper(response.body);
    } catch (error) {
      if (error instanceof MalformedResponse) {
        throw new OpenStackError({
          service: this.service,
          status: response.status,
          fault: 'BadResponse',
          path: pathTemplate,
          requestId: response.requestId,
          message: `Unexpected ${this.service} response to ${pathTemplate}: ${error.message}`,
        });
      }
      throw error;
    }
  }

  /**
   * Follows a paginated listing to its end. `page` maps one body to its items and the query of the next
   * page (from its `next` link), or undefined on the last page. `params` fill the template (`/pools/{poolId}/members`).
   */
  protected async collect<T>(
    pathTemplate: string,
    query: URLSearchParams,
    page: (body: unknown) => { items: T[]; next?: URLSearchParams },
    options: RequestOptions & Pick<CallOptions, 'params'> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let current: URLSearchParams | undefined = query;
    for (let n = 0; current !== undefined; n++) {
      const key = current.toString();
      if (seen.has(key) || n >= MAX_PAGES) {
        throw new OpenStackError({
          service: this.service,
          status: 0,
          fault: 'BadResponse',
          path: pathTemplate,
          message: `${this.service} pagination of ${pathTemplate} does not end (page ${n + 1} repeats or exceeds ${MAX_PAGES})`,
        });
      }
      seen.add(key);
      const response = await this.call('GET', pathTemplate, { query: current, ...options });
      const result = this.parse(response, pathTemplate, page);
      items.push(...result.items);
      current = result.next;
    }
    return items;
  }
}
