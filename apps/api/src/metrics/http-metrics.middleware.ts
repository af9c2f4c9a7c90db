import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** Label of requests that matched no route: their raw paths would make one time series per probe or typo. */
export const UNMATCHED_ROUTE = 'unmatched';

/** API latency objectives sit in the tens of milliseconds; the upper buckets catch requests waiting on the cloud. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `http_request_duration_seconds{method,route,status}`: one histogram per app, fed by {@link HttpMetricsMiddleware}. */
@Injectable()
export class HttpMetrics {
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served by the API, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }
}

/**
 * Times every HTTP request from arrival to the last byte, labelled with the route template (`/v1/schedules/:id`),
 * never the raw path. Middleware rather than an interceptor, so requests refused before a handler runs (unknown
 * routes, guards) are counted too. `configureApp` mounts it at the root, after the body parsers.
 */
@Injectable()
export class HttpMetricsMiddleware {
  constructor(private readonly metrics: HttpMetrics) {}

  readonly use = (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // Node emits 'close' once for every response: after the last byte, or when a client hung up before the answer.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.duration.observe({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };
}

interface ExpressRoute {
  path: string;
  methods: Record<string, boolean | undefined>;
}

/**
 * The matched route's template as Express saw it (global prefix included), or {@link UNMATCHED_ROUTE}. Each handler
 * is a route of its own method (we have no `@All()`); a route answering every method is a middleware mounted through
 * Nest's `forRoutes()` (none today), not a template worth a label.
 */
function routeTemplate(req: Request): string {
  const route = req.route as ExpressRoute | undefined;
  if (!route || typeof route.path !== 'string' || Object.keys(route.methods).length !== 1) return UNMATCHED_ROUTE;
  return `${req.baseUrl}${route.path}`;
}
