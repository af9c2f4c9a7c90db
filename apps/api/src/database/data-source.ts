import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { typeormOptions } from './typeorm.options';

/**
 * For the TypeORM CLI, e.g.
 *   DATABASE_URL=postgres://postgres@127.0.0.1/peak npx typeorm-ts-node-commonjs -d apps/api/src/database/data-source.ts migration:run
 */
const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL must be set for the TypeORM CLI');

export default new DataSource({ ...typeormOptions({ url, poolSize: 1, migrationsRun: false }) });
