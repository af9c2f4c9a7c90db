import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/database.config';
import { typeormOptions } from './typeorm.options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: ConfigType<typeof databaseConfig>) => {
        if (!config.url) {
          throw new Error('No database URL: main.ts starts the embedded PostgreSQL before the app when DATABASE_URL is unset');
        }
        return {
          ...typeormOptions({
            url: config.url,
            poolSize: config.poolSize,
            ssl: config.ssl,
            migrationsRun: config.migrationsRun,
            embedded: config.embedded,
            connectTimeoutMs: config.connectTimeoutMs,
            statementTimeoutMs: config.statementTimeoutMs,
            idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs,
            queryTimeoutMs: config.queryTimeoutMs,
            keepAlive: config.keepAlive,
          }),
          retryAttempts: 3,
          retryDelay: 1000,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
