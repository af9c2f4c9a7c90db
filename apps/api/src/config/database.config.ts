import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';

export const databaseConfig = registerAs('database', () => {
  const url = process.env['DATABASE_URL'] || undefined;
  return {
    /** Set by the operator, or by main.ts when it starts the embedded PostgreSQL. */
    url,
    embeddedDir: resolve(process.env['EMBEDDED_DB_DIR'] ?? '.data/pglite'),
    /** True when main.ts started the embedded PostgreSQL and pointed DATABASE_URL at it. */
    embedded: process.env['DATABASE_EMBEDDED'] === 'true',
    poolSize: Number(process.env['DATABASE_POOL_SIZE'] ?? 10),
    ssl: process.env['DATABASE_SSL'] === 'true',
    migrationsRun: process.env['DATABASE_MIGRATIONS_RUN'] !== 'false',
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
