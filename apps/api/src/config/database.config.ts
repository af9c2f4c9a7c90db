import { resolve } from 'node:path';
import { defineConfig } from './env';

/**
 * The `database` namespace.
 *
 * Pool hardening, all ignored by the embedded PGlite (one in-process session, no network):
 * - `DATABASE_CONNECT_TIMEOUT_MS` (default 10000): give up opening a connection, or waiting for a free one in the
 *   pool, after this long.
 * - `DATABASE_STATEMENT_TIMEOUT_MS` (default 30000, 0 = off): the server cancels a statement that runs longer
 *   (`statement_timeout`). Raise it before running a migration that rewrites a large table.
 * - `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS` (default 60000, 0 = off): the server ends a session left idle
 *   inside a transaction (`idle_in_transaction_session_timeout`), so a stuck caller cannot hold locks forever.
 * - `DATABASE_QUERY_TIMEOUT_MS` (default 35000, 0 = off): the client gives up waiting for an answer (pg's
 *   `query_timeout`; longer than the statement timeout, so it only fires when the server cannot answer at all,
 *   e.g. a dead network path). The connection is then dropped, never reused.
 * - `DATABASE_KEEPALIVE` (default true): TCP keepalive on every connection, first probe after 10 s idle, so a
 *   silently dead peer is noticed.
 */
export const databaseConfig = defineConfig('database', (env) => ({
  /** `DATABASE_URL` (postgres://user:pass@host:port/db), set by the operator or by main.ts when it starts the embedded PostgreSQL. */
  url: env.string('DATABASE_URL'),
  /** Where the embedded PostgreSQL keeps its files (`EMBEDDED_DB_DIR`, default ./.data/pglite). */
  embeddedDir: resolve(env.string('EMBEDDED_DB_DIR', '.data/pglite')),
  /** True when main.ts started the embedded PostgreSQL and pointed DATABASE_URL at it. */
  embedded: env.bool('DATABASE_EMBEDDED', false),
  /** `DATABASE_POOL_SIZE`, default 10. */
  poolSize: env.int('DATABASE_POOL_SIZE', 10, { min: 1, max: 100 }),
  /** `DATABASE_SSL`, default false. */
  ssl: env.bool('DATABASE_SSL', false),
  /** `DATABASE_MIGRATIONS_RUN`: apply pending migrations at start-up (default true). */
  migrationsRun: env.bool('DATABASE_MIGRATIONS_RUN', true),
  /** `DATABASE_CONNECT_TIMEOUT_MS`, default 10000. */
  connectTimeoutMs: env.int('DATABASE_CONNECT_TIMEOUT_MS', 10_000, { min: 100 }),
  /** `DATABASE_STATEMENT_TIMEOUT_MS`, server-side, default 30000; 0 = off. */
  statementTimeoutMs: env.int('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, { min: 0 }),
  /** `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS`, server-side, default 60000; 0 = off. */
  idleInTransactionTimeoutMs: env.int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, { min: 0 }),
  /** `DATABASE_QUERY_TIMEOUT_MS`, client-side, default 35000; 0 = off. */
  queryTimeoutMs: env.int('DATABASE_QUERY_TIMEOUT_MS', 35_000, { min: 0 }),
  /** `DATABASE_KEEPALIVE`, default true. */
  keepAlive: env.bool('DATABASE_KEEPALIVE', true),
}));

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
