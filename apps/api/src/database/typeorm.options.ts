import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseConnectionSettings {
  url: string;
  poolSize: number;
  ssl?: boolean;
  migrationsRun?: boolean;
}

/** The one place that turns connection settings into TypeORM options: the app, the CLI and tests use it. */
export function typeormOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    ssl: settings.ssl ? { rejectUnauthorized: true } : false,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: settings.migrationsRun ?? true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Every instant is a timestamptz; sessions run in UTC so nothing depends on the server's zone.
    extra: { max: settings.poolSize, options: '-c TimeZone=UTC' },
  };
}
