import type { Client, PoolConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseConnectionSettings {
  url: string;
  poolSize: number;
  ssl?: boolean;
  migrationsRun?: boolean;
  /** The embedded PGlite (one in-process session, no network): none of the timeouts below, no keepalive. */
  embedded?: boolean;
  /** Opening a connection, and waiting for a free one in the pool, fails after this long (0 = never). Default 10000. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout`; 0 = off. Default 30000. */
  statementTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout`; 0 = off. Default 60000. */
  idleInTransactionTimeoutMs?: number;
  /** Client-side query timeout (pg's `query_timeout`); the connection is dropped when it fires. 0 = off. Default 35000. */
  queryTimeoutMs?: number;
  /** TCP keepalive, first probe after 10 s idle. Default true. */
  keepAlive?: boolean;
}

/** The defaults of `DATABASE_*` in database.config.ts, for callers (the CLI, tests) that do not read the environment. */
export const DATABASE_TIMEOUT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  queryTimeoutMs: 35_000,
  keepAlive: true,
} as const;

const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
const QUERY_READ_TIMEOUT = 'Query read timeout';

/** The one place that turns connection settings into TypeORM options: the app, the CLI and tests use it. */
export function typeormOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    ssl: sslOption(settings.ssl),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: settings.migrationsRun ?? true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: pgPoolOptions(settings),
  };
}

/** TLS with certificate verification, or none. */
export function sslOption(ssl: boolean | undefined): { rejectUnauthorized: true } | false {
  return ssl ? { rejectUnauthorized: true } : false;
}

/**
 * `pg.Pool` options (without the URL and TLS) for these settings. Every instant is a timestamptz; sessions run
 * in UTC so nothing depends on the server's zone.
 */
export function pgPoolOptions(settings: DatabaseConnectionSettings): PoolConfig & { onConnect: (client: Client) => void } {
  const s = { ...DATABASE_TIMEOUT_DEFAULTS, ...withoutUndefined(settings) };
  const embedded = settings.embedded ?? false;
  // PGlite accepts startup options but ignores the timeouts; it is one in-process session with no network to fail.
  const sessionOptions = ['-c TimeZone=UTC'];
  if (!embedded && s.statementTimeoutMs > 0) sessionOptions.push(`-c statement_timeout=${s.statementTimeoutMs}`);
  if (!embedded && s.idleInTransactionTimeoutMs > 0) {
    sessionOptions.push(`-c idle_in_transaction_session_timeout=${s.idleInTransactionTimeoutMs}`);
  }
  return {
    max: settings.poolSize,
    options: sessionOptions.join(' '),
    // pg-pool also bounds the wait for a free connection with it; the embedded database's one local connection
    // is often busy for a while and never hangs on connect, so there callers wait as before.
    ...(!embedded ? { connectionTimeoutMillis: s.connectTimeoutMs } : {}),
    ...(!embedded && s.queryTimeoutMs > 0 ? { query_timeout: s.queryTimeoutMs } : {}),
    ...(!embedded && s.keepAlive ? { keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS } : {}),
    // pg-pool calls this for every new connection.
    onConnect: dropConnectionOnQueryTimeout,
  };
}

/**
 * When pg's client-side `query_timeout` fires, pg rejects the query but keeps the connection: the timed-out
 * query stays its active query and every later query on it queues behind an answer that, over a dead network
 * path, never comes. pg-pool only drops a connection released with an error, and TypeORM releases its query
 * runner without one, so the pool would hand the stuck connection out again and again. This ends the
 * connection as soon as one of its queries times out (`end()` with a query active destroys the socket and
 * marks the client ending, so pg-pool removes it on release) and the pool opens a fresh one next time.
 */
export function dropConnectionOnQueryTimeout(client: Client): void {
  const query = client.query as (...args: unknown[]) => unknown;
  let dropped = false;
  const dropOnTimeout = (error: unknown): void => {
    if (dropped || !(error instanceof Error) || error.message !== QUERY_READ_TIMEOUT) return;
    dropped = true;
    client.end().catch(() => undefined);
  };
  client.query = function (this: Client, ...args: unknown[]): unknown {
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        dropOnTimeout(error);
        (callback as (error: unknown, result: unknown) => void)(error, result);
      };
    }
    const result = query.apply(this, args);
    // Registered before the caller's own handlers, so the client is ending by the time the caller releases it.
    if (result instanceof Promise) result.catch(dropOnTimeout);
    return result;
  } as Client['query'];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
