import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from 'nestjs-pino/storage';
import { storage } from 'nestjs-pino/storage';
import type { Level, Logger } from 'pino';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import { redactHeaders, redactUrl } from './redact';
import { requestIdOf } from './request-id';

/** Health probes and scrapes arrive every few seconds from machines; at `info` they would drown everything else. */
const PROBE_PATH = /^\/(?:metrics|livez|readyz|v1\/health)(?:[/?]|$)/;

/**
 * The logger of one request, as nestjs-pino's `PinoLogger` (and so every Nest `Logger`) finds it: a child of the
 * root logger binding `reqId`. Made on the first line logged while the request runs; most requests log none.
 */
class RequestStore implements Store {
  private child: Logger | undefined;
  responseLogger?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly reqId: string,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({ reqId: this.reqId }));
  }

  /** `PinoLogger.assign()` replaces it with a child carrying more fields. */
  set logger(logger: Logger) {
    this.child = logger;
  }
}

/**
 * The request log: gives each request its id (the caller's `X-Request-Id` when it is a sane id, a new UUID
 * otherwise), echoed in the response; makes that id the `reqId` of every line logged while the request runs; and
 * writes one line when the response is done, with the request (URL and headers redacted), the status, the time
 * taken and, once the auth guard knows them, the caller's user id.
 *
 * It does for the API what pino-http did under nestjs-pino, with the same lines and less work per request: that
 * made two child loggers per request (one serializing the request up front), three response listeners, and an
 * Error for every 5xx that the completion line then dropped (the commit that replaced it has the measurements).
 * Mounted once at the root, first (see `configureApp`), so refused requests, `/docs` and unknown paths get an id and
 * a line too.
 */
export class RequestLog {
  /** The completion line's fields are redacted where they are read; walking them again would only copy them. */
  private readonly completions: Logger;

  constructor(private readonly root: Logger) {
    this.completions = root.child({}, { formatters: { log: (line) => line } });
  }

  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const startedAt = Date.now();
    const id = requestIdOf(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', id);
    // Read now, at the root: a router mounted at a path (the Swagger UI's files) strips it from `req.url`.
    const url = req.url ?? '';
    // Node emits 'close' once for every response, whether it finished or the client went away first.
    res.once('close', () => this.complete(req, res, id, url, startedAt));
    storage.run(new RequestStore(this.root, id), next);
  };

  private complete(req: IncomingMessage, res: ServerResponse, id: string, rawUrl: string, startedAt: number): void {
    const responseTime = Date.now() - startedAt;
    const failed = res.statusCode >= 500;
    // A failing probe is a state the body describes (and terminus logs), not an error of the request.
    const level: Level = PROBE_PATH.test(rawUrl) ? (failed ? 'warn' : 'debug') : failed ? 'error' : 'info';
    if (!this.completions.isLevelEnabled(level)) return;
    const url = redactUrl(rawUrl);
    const line: Record<string, unknown> = {
      reqId: id,
      req: { id, method: req.method, url, headers: redactHeaders(req.headers), remoteAddress: req.socket.remoteAddress },
      res: { statusCode: res.statusCode },
      responseTime,
    };
    // The caller, once the auth guard knows them (refused and public requests have none).
    const userId = (req as AuthenticatedRequest).auth?.identity.user.id;
    if (userId !== undefined) line['userId'] = userId;
    const message = failed ? `${req.method} ${url} ${res.statusCode}` : `${req.method} ${url} ${res.statusCode} ${responseTime} ms`;
    this.completions[level](line, message);
  }
}
