import { resolve } from 'node:path';
import { defineConfig } from './env';

/** The `database` namespace. */
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
}));

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
