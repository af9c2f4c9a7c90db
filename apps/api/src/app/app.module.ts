import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuditModule } from '../audit/audit.module';
import { CapacityModule } from '../capacity/capacity.module';
import { CatalogModule } from '../catalog/catalog.module';
import { CommonModule } from '../common/common.module';
import { appConfig } from '../config/app.config';
import { AuthModule } from '../auth/auth.module';
import { databaseConfig } from '../config/database.config';
import { schedulerConfig } from '../config/scheduler.config';
import { DatabaseModule } from '../database/database.module';
import { EngineModule } from '../engine/engine.module';
import { FlavorsModule } from '../flavors/flavors.module';
import { HealthModule } from '../health/health.module';
import { LoggingModule } from '../logging/logging.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OpenStackModule } from '../openstack/openstack.module';
import { SchedulesModule } from '../schedules/schedules.module';
import { WebhooksModule } from '../webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      cache: true,
      load: [appConfig, databaseConfig, schedulerConfig],
    }),
    LoggingModule,
    MetricsModule,
    CommonModule,
    AuthModule,
    DatabaseModule,
    HealthModule,
    OpenStackModule,
    CatalogModule,
    FlavorsModule,
    SchedulesModule,
    CapacityModule,
    EngineModule,
    AuditModule,
    WebhooksModule,
  ],
})
export class AppModule {}
