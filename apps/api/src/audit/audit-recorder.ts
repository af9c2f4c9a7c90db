import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedRequest } from '../auth/access.decorators';
import { API_PREFIX } from '../common/api-prefix';
import { Clock } from '../common/clock';
import { outsideRequestContext } from '../logging/background';
import { type AuditDraft, runWithAuditDraft } from './audit-context';
import { AuditRecordEntity } from './audit-record.entity';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** nginx's status for a request whose client closed the connection before the answer. */
export const CLIENT_CLOSED = 499;
const MAX_MESSAGE = 500;
/** How long an abandoned request's handler may take to finish before its record is written without its change. */
const ABANDONED_WAIT_MS = 60_000;

interface AuditedRequest extends AuthenticatedRequest {
  [DRAFT]?: AuditDraft;
  [NOT_AUDITED]?: true;
}

const DRAFT = Symbol('audit-draft');
const NOT_AUDITED = Symbol('not-audited');

/** A write that changes nothing (a preview needs only a read role): the auth guard leaves it out of the audit log. */
export function markNotAudited(request: Request): void {
  (request as AuditedRequest)[NOT_AUDITED] = true;
}

/**
 * Writes one audit record for every write through the API once it is answered (or abandoned), refused ones
 * included. The row is inserted after the answer went out, and a failed insert is logged, never thrown: the audit
 * log never fails nor slows a request.
 */
@Injectable()
export class AuditRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The Express middleware that watches each request. `configureApp` registers it ahead of the body parsers, so a
   * body refused as too large or malformed is recorded too, and the guard's 401 and 403 like any other answer.
   */
  middleware(): (req: Request, res: Response, next: NextFunction) => void {
    return (req, res, next) => {
      if (!WRITE_METHODS.has(req.method) || !pathOf(req).startsWith(`/${API_PREFIX}/`)) return next();
      const at = this.clock.now();
      const draft: AuditDraft = {};
      (req as AuditedRequest)[DRAFT] = draft;
      let error: { kind: string | null; message: string | null } | undefined;
      // Refusals are sent as JSON (`ApiErrorDto`); their kind and message are kept, the rest of the body is not.
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        if (res.statusCode >= 400) error = errorOf(body);
        return json(body);
      };
      let done = false;
      const finish = (status: number) => {
        if (done) return;
        done = true;
        if ((req as AuditedRequest)[NOT_AUDITED]) return;
        this.write(recordOf(req as AuditedRequest, res, at, status, draft, error));
      };
      res.once('finish', () => finish(res.statusCode));
      res.once('close', () => {
        if (res.writableFinished) return finish(res.statusCode);
        // The client went away, but the handler may still be changing things: the record waits for its answer
        // (which goes nowhere) to keep what it changed, or for ABANDONED_WAIT_MS if it never answers.
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        res.end = ((...args: unknown[]) => {
          finish(CLIENT_CLOSED);
          return end(...args);
        }) as Response['end'];
        setTimeout(() => finish(CLIENT_CLOSED), ABANDONED_WAIT_MS).unref();
      });
      next();
    };
  }

  /** Resolves once every record of answered requests is written (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Records of answered requests are written before the database closes (it closes in the shutdown hooks after this). */
  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  private write(record: AuditRecordEntity): void {
    // TypeORM's deep-partial type cannot follow the free-form jsonb columns; the entity itself is complete.
    const row = record as QueryDeepPartialEntity<AuditRecordEntity>;
    const insert = outsideRequestContext(() => this.dataSource.getRepository(AuditRecordEntity).insert(row)).then(
      () => undefined,
      (error: unknown) =>
        this.logger.error(
          `Audit record of ${record.method} ${record.route} (request ${record.requestId}) not written: ` +
            `${error instanceof Error ? error.message : String(error)}`,
        ),
    );
    this.pending.add(insert);
    void insert.finally(() => this.pending.delete(insert));
  }
}

/**
 * Puts the request's draft in reach of the services (`recordChange`). `configureApp` mounts it after the body
 * parsers: a context opened before them would be lost on the way through the request stream's events.
 */
export function openAuditContext(req: Request, _res: Response, next: NextFunction): void {
  const draft = (req as AuditedRequest)[DRAFT];
  if (draft) runWithAuditDraft(draft, next);
  else next();
}

function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? '';
}

function recordOf(
  req: AuditedRequest,
  res: Response,
  at: Date,
  status: number,
  draft: AuditDraft,
  error: { kind: string | null; message: string | null } | undefined,
): AuditRecordEntity {
  const path = pathOf(req);
  const route = routeOf(req, path);
  const target = targetOf(route, path);
  const identity = req.auth?.identity;
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const action = actionOf(req.method, route, body);
  const login = action === 'auth.login';
  return Object.assign(new AuditRecordEntity(), {
    id: randomUUID(),
    at,
    userId: identity?.user.id ?? null,
    // A login names its user in the body; nothing else of it (password, secret) is kept.
    userName: identity?.user.name ?? (login && typeof body['username'] === 'string' ? body['username'] : null),
    projectId: identity?.project?.id ?? null,
    roles: identity ? [...identity.roles] : [],
    authMethod: identity ? authMethodOf(identity.methods, identity.isApplicationCredential) : login ? loginMethodOf(body) : null,
    requestId: String(res.getHeader('X-Request-Id') ?? req.headers['x-request-id'] ?? ''),
    sourceAddress: req.ip ?? req.socket?.remoteAddress ?? null,
    method: req.method,
    route,
    action,
    targetType: draft.change?.targetType ?? target.type,
    targetId: draft.change?.targetId ?? target.id,
    before: draft.change?.before ?? null,
    after: draft.change?.after ?? null,
    outcome: status,
    errorKind: status >= 400 ? (error?.kind ?? (status === CLIENT_CLOSED ? 'Client Closed Request' : null)) : null,
    errorMessage: status >= 400 ? (error?.message ?? null) : null,
  });
}

/** The route template Express matched (`/v1/schedules/:id`); for a request refused before routing, ids replaced by `:id`. */
function routeOf(req: Request, path: string): string {
  const matched = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof matched === 'string') return matched;
  return path
    .split('/')
    .map((segment) => (/^[0-9a-f-]{16,}$/i.test(segment) ? ':id' : segment))
    .join('/');
}

function targetOf(route: string, path: string): { type: string | null; id: string | null } {
  const template = route.split('/');
  const actual = path.split('/');
  const at = template.indexOf(':id');
  const resource = resourceOf(route);
  return { type: resource, id: at > 0 ? (actual[at] ?? null) : null };
}

/** `schedules` → `schedule`: the first segment after the version. */
function resourceOf(route: string): string | null {
  const first = route.split('/').filter((segment) => segment !== '' && segment !== API_PREFIX)[0];
  if (first === undefined) return null;
  return first.endsWith('s') ? first.slice(0, -1) : first;
}

/**
 * The action, from the route: `POST` on a collection creates, `PATCH`/`PUT` on an item updates, `DELETE` deletes, a
 * `POST` on an item's sub-resource is named after it (`schedule.delegation`). A `PATCH` that only flips `enabled` is
 * `schedule.enable` or `schedule.disable`; the token routes are `auth.login` and `auth.logout`.
 */
export function actionOf(method: string, route: string, body: Record<string, unknown>): string {
  const segments = route.split('/').filter((segment) => segment !== '' && segment !== API_PREFIX);
  if (segments[0] === 'auth' && segments[1] === 'tokens' && segments.length === 2) {
    if (method === 'POST') return 'auth.login';
    if (method === 'DELETE') return 'auth.logout';
  }
  const resource = resourceOf(route) ?? 'unknown';
  const last = segments[segments.length - 1];
  const onItem = last?.startsWith(':') ?? false;
  if (segments.length > 2 && !onItem) return `${resource}.${last}${method === 'DELETE' ? '.delete' : ''}`;
  switch (method) {
    case 'POST':
      return onItem ? `${resource}.update` : `${resource}.create`;
    case 'DELETE':
      return `${resource}.delete`;
    default: {
      const switchOnly = Object.keys(body).every((key) => ['enabled', 'version', 'disableAfterCurrentWindow'].includes(key));
      if (onItem && typeof body['enabled'] === 'boolean' && switchOnly) return `${resource}.${body['enabled'] ? 'enable' : 'disable'}`;
      return `${resource}.update`;
    }
  }
}

function authMethodOf(methods: readonly string[], applicationCredential: boolean): string | null {
  if (applicationCredential) return 'application_credential';
  return methods.length > 0 ? [...methods].sort().join('+') : null;
}

function loginMethodOf(body: Record<string, unknown>): string {
  return body['applicationCredentialId'] !== undefined || body['applicationCredentialSecret'] !== undefined
    ? 'application_credential'
    : 'password';
}

function errorOf(body: unknown): { kind: string | null; message: string | null } {
  const { error, message } = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; message?: unknown };
  const text = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : null;
  return {
    kind: typeof error === 'string' ? error : null,
    message: text === null ? null : text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text,
  };
}
