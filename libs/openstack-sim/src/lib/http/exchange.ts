import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../behaviour';

/** What a handler answers; the server adds the common headers and serializes `body` as JSON. */
export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Answered before the service's request-id middleware runs, so without `x-openstack-request-id` (Nova's, Glance's
   * and Neutron's version lists, Glance's authentication failures).
   */
  withoutRequestId?: boolean;
}

/**
 * An error a handler throws; each service renders it in its own error format (Nova faults, Keystone `error`,
 * NeutronError, Glance/webob). `body` replaces the rendered body when a caller needs an exact one.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: { type?: string; body?: unknown; headers?: Record<string, string>; withoutRequestId?: boolean } = {},
  ) {
    super(message);
  }
}

/** One incoming request, with its body already read. */
export class RequestContext {
  private parsed?: { value: unknown };

  constructor(
    readonly method: string,
    /** The full path as sent, without query. */
    readonly path: string,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly rawBody: Buffer,
    /** `http://host:port` this request reached, or the configured public URL: the base of every link we answer. */
    readonly baseUrl: string,
    readonly requestId: string,
  ) {}

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The JSON body; `malformed` is thrown when it is missing or not JSON (each service words it its own way). */
  json(malformed: () => ApiError): unknown {
    if (!this.parsed) {
      if (this.rawBody.length === 0) throw malformed();
      try {
        this.parsed = { value: JSON.parse(this.rawBody.toString('utf8')) as unknown };
      } catch {
        throw malformed();
      }
    }
    return this.parsed.value;
  }

  /** The JSON body, which must be an object. */
  jsonObject(malformed: () => ApiError): Record<string, unknown> {
    const value = this.json(malformed);
    if (!isRecord(value)) throw malformed();
    return value;
  }
}
