import type { INestApplication } from '@nestjs/common';
import { Logger as NestLogger, RequestMethod } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { STATUS_CODES } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AuditRecorder, openAuditContext } from '../audit/audit-recorder';
import { authConfig } from '../auth/auth.config';
import type { ApiErrorDto } from '../common/api-error.dto';
import { createValidationPipe } from '../common/validation';
import { redactUrl } from '../logging/redact';
import { RequestLog } from '../logging/request-log';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { OpenStackExceptionFilter } from '../openstack/openstack-exception.filter';
import { API_PREFIX, buildOpenApiDocument, DOCS_PATH } from './openapi';

/** Headers a browser may send cross-origin and read back, when `CORS_ORIGINS` allows an origin at all. */
const CORS_REQUEST_HEADERS = ['Content-Type', 'X-Auth-Token', 'Authorization', 'X-Request-Id'];
const CORS_RESPONSE_HEADERS = ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'];

/** Everything main.ts sets on the app beyond its modules; tests call it too, so they test the real thing. */
export function configureApp(app: INestApplication): INestApplication {
  // Nest's own lines (the ones buffered during bootstrap included) go to the same JSON stream as the rest.
  app.useLogger(app.get(Logger));
  hardenHttp(app as NestExpressApplication);
  // The scrape and the Kubernetes-style probes live at the root, where Prometheus and kubelets look for them.
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['metrics', 'livez', 'readyz'].map((path) => ({ path, method: RequestMethod.GET })),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new OpenStackExceptionFilter());
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    yamlDocumentUrl: `${DOCS_PATH}-yaml`,
    customSiteTitle: 'Peak Scheduler API',
  });
  return app;
}

/**
 * Security headers (helmet), CORS for the configured origins only, body size limits and the proxies to trust.
 * Registered before any route, so they apply to every answer, `/docs` and refused requests included. The request
 * log, the audit recorder and, after the body parsers, the request metrics and the audit context are mounted here
 * too.
 */
function hardenHttp(app: NestExpressApplication): void {
  // Absent when the app is only previewed to export the OpenAPI document: no request is served then.
  const config = app.get<ConfigType<typeof authConfig> | undefined>(authConfig.KEY, { strict: false });
  if (!config) return;
  app.set('trust proxy', config.trustProxy);
  // First of all: every answer gets its request id, and every request its line, whoever answers it.
  app.use(app.get(RequestLog).middleware);
  // Next, so that every write is audited however it ends: refused by the body parsers, the guard or a handler.
  app.use(app.get(AuditRecorder).middleware());
  app.use(
    helmet({
      contentSecurityPolicy: {
        // TLS is terminated in front of the API (nginx, an ingress); on plain HTTP this directive would make
        // browsers fetch the Swagger UI's own scripts over HTTPS from a server that does not speak it.
        directives: { 'upgrade-insecure-requests': null },
      },
    }),
  );
  // Without configured origins no CORS header is sent at all: browsers then allow same-origin calls only
  // (the console is served from the API's origin through its proxy).
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: CORS_REQUEST_HEADERS,
      exposedHeaders: CORS_RESPONSE_HEADERS,
      // Tokens travel in headers, never in cookies.
      credentials: false,
      maxAge: 600,
    });
  }
  // Registered here, Nest's default parsers (100 kB each, JSON and forms) are not added a second time.
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.use(bodyErrorHandler(config.bodyLimit));
  // Our request-wide middleware, mounted once at the root rather than through Nest's `forRoutes()`: that mounts each
  // middleware as six routes (the global prefix, its wildcard, and each route excluded from the prefix), all of which
  // every request tests in turn. After the body parsers, which a request the parsers refused does not reach.
  app.use(app.get(HttpMetricsMiddleware).use);
  app.use(openAuditContext);
}

const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON',
  'entity.verify.failed': 'The request body could not be verified',
  'charset.unsupported': 'The request body uses an unsupported charset',
  'encoding.unsupported': 'The request body uses an unsupported content encoding',
  'request.aborted': 'The request body was not sent completely',
  'request.size.invalid': 'The request body is not as long as Content-Length says',
  'parameters.too.many': 'The request body has too many fields',
};

/**
 * Answers the body parsers' errors in the API's error shape, with a message of our own: V8's JSON errors quote
 * the text around the fault (`Unexpected token 's', ..."assword": s3cret}" is not valid JSON`), which would send
 * a mistyped body, password included, back in the error and into the logs.
 */
function bodyErrorHandler(limit: string) {
  const logger = new NestLogger('Http');
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    const message =
      type === 'entity.too.large'
        ? `The request body is larger than ${limit}`
        : (BODY_ERRORS[type] ?? 'The request body could not be read');
    // The request log's line says that the request was refused; this one says why (with the same `reqId`).
    logger.warn(`${req.method} ${redactUrl(req.originalUrl)} ${status}: ${message}`);
    res.status(status).json({ statusCode: status, error: STATUS_CODES[status] ?? 'Bad Request', message } satisfies ApiErrorDto);
  };
}
