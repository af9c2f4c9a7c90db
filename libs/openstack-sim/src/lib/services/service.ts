import type { AuthContext } from '../auth';
import type { SimService } from '../behaviour';
import type { ApiError, RequestContext, SimResponse } from '../http/exchange';
import type { RouteParams } from '../http/router';
import type { Simulation } from '../simulation';

/**
 * One simulated OpenStack service, mounted at `/<name>`. Every service is written the same way: a factory
 * (`computeService(sim)`, …) builds its router and answers this interface, and each route is a plain function of one
 * call object (the simulation, the request, the path parameters and, where the service requires it, the caller), so
 * no handler depends on hidden instance state and a route can be read on its own.
 */
export interface ServiceModule {
  readonly name: SimService;
  /**
   * Answers a request whose path is below the service prefix (`subPath` is e.g. `/v2.1/servers`).
   * API errors are rendered by the service itself; only unexpected exceptions escape.
   */
  handle(ctx: RequestContext, subPath: string): Promise<SimResponse>;
  /** Renders an error (an injected fault, an unexpected failure) in this service's own format. */
  renderError(error: ApiError, ctx: RequestContext): SimResponse;
}

/** Standard reason phrases for the statuses the services render. */
export function statusTitle(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    406: 'Not Acceptable',
    409: 'Conflict',
    413: 'Request Entity Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    501: 'Not Implemented',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return titles[status] ?? 'Error';
}

/** A generic message for an injected fault without one. */
export function defaultFaultMessage(status: number): string {
  return status === 503 ? 'The service is unavailable (simulated outage).' : `Simulated failure (${status} ${statusTitle(status)}).`;
}

/** One authenticated, project-scoped call to a service's routes (compute's adds its project and microversion). */
export interface ScopedCall {
  sim: Simulation;
  ctx: RequestContext;
  auth: AuthContext;
  params: RouteParams;
}
