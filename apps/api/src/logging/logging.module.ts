import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule, type Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import { ALL_ROUTES } from '../common/all-routes';
import { loggingConfig } from './logging.config';
import { redactDeep, redactHeaders, redactUrl } from './redact';
import { requestIdOf } from './request-id';

/**
 * Where log lines go: stdout, one JSON object per line. A provider of its own so a test can capture the stream
 * (`overrideProvider(LOG_DESTINATION)`) and read exactly what an operator's log collector would.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** Health probes and scrapes arrive every few seconds from machines; at `info` they would drown everything else. */
const PROBE_PATH = /^\/(?:metrics|livez|readyz|v1\/health)(?:[/?]|$)/;

/** What the request serializer reads of Express's request (the raw object: see `wrapSerializers`). */
interface LoggedRequest {
  id: unknown;
  method?: string;
  originalUrl?: string;
  url?: string;
  headers: Record<string, unknown>;
  socket?: { remoteAddress?: string };
}

/**
 * The completion line names the caller once the auth guard knows them (refused and public requests have none). It
 * goes into the line's own object: pino-http's `customProps` would cost a child logger per request, two when set.
 */
function withCaller(req: IncomingMessage, value: Record<string, unknown>): Record<string, unknown> {
  const userId = (req as AuthenticatedRequest).auth?.identity.user.id;
  if (userId !== undefined) value['userId'] = userId;
  return value;
}

export function buildLoggerParams(level: string, destination: DestinationStream): Params {
  return {
    forRoutes: [ALL_ROUTES],
    pinoHttp: {
      level,
      stream: destination,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Every merging object, whoever logs it (Nest, the OpenStack client, a feature), is redacted here, so a
        // password deep inside a logged body cannot reach the stream.
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
      // The serializers get the request and the response themselves. pino-http's default wrappers first copy each
      // into an object of their own, parsing the query string and copying the response's headers on every request,
      // for fields these serializers then drop.
      wrapSerializers: false,
      serializers: {
        req: (req: LoggedRequest) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.originalUrl ?? req.url ?? ''),
          headers: redactHeaders(req.headers),
          remoteAddress: req.socket?.remoteAddress,
        }),
        // Response headers add bytes to every line and nothing an operator looks for; the id is the request's.
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = requestIdOf(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // In-request lines carry only `reqId`; the full request is logged once, on completion.
      quietReqLogger: true,
      customLogLevel: (req, res, error) => {
        const failed = Boolean(error) || res.statusCode >= 500;
        // A failing probe is a state the body describes (and terminus logs), not an error of the request.
        if (PROBE_PATH.test(req.url ?? '')) return failed ? 'warn' : 'debug';
        return failed ? 'error' : 'info';
      },
      // pino-http invents an Error ("failed with status code 503") with its own stack for every 5xx; Nest has
      // already logged the real cause, so the completion line keeps the status and the time only.
      customErrorObject: (req, _res, _error, value: Record<string, unknown>) =>
        withCaller(req, { res: value['res'], responseTime: value['responseTime'] }),
      customSuccessObject: (req, _res, value: Record<string, unknown>) => withCaller(req, value),
      customSuccessMessage: (req, res, responseTime) => `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode} ${responseTime} ms`,
      customErrorMessage: (req, res) => `${req.method} ${redactUrl(req.url ?? '')} ${res.statusCode}`,
    },
  };
}

/**
 * Structured JSON logs (pino) for the whole API: one line per HTTP request with its request id, Nest's own lines
 * (bootstrap included, see `configureApp`) and every feature's `Logger` in the same stream, with secrets redacted.
 * `LOG_LEVEL` sets the level.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [ConfigModule.forFeature(loggingConfig)],
      providers: [{ provide: LOG_DESTINATION, useFactory: (): DestinationStream => pino.destination({ dest: 1, sync: false }) }],
      inject: [loggingConfig.KEY, LOG_DESTINATION],
      useFactory: (config: ConfigType<typeof loggingConfig>, destination: DestinationStream) =>
        buildLoggerParams(config.level, destination),
    }),
  ],
})
export class LoggingModule {}
