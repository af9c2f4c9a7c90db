import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { EngineModule } from '../engine/engine.module';
import { FlavorsModule } from '../flavors/flavors.module';
import { RunsModule } from '../runs/runs.module';
import { EventLoopMonitor } from './event-loop-monitor';
import { healthConfig } from './health.config';
import { HealthController, ProbesController } from './health.controller';
import { HealthService } from './health.service';
import { CloudHealthIndicator } from './indicators/cloud.indicator';
import { DatabaseHealthIndicator } from './indicators/database.indicator';
import { EngineHealthIndicator } from './indicators/engine.indicator';
import { FlavorBootstrapHealthIndicator } from './indicators/flavor-bootstrap.indicator';
import { QuotaHealthIndicator } from './indicators/quota.indicator';

@Module({
  imports: [
    ConfigModule.forFeature(healthConfig),
    TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
    AuthModule,
    FlavorsModule,
    EngineModule,
    RunsModule,
  ],
  controllers: [ProbesController, HealthController],
  providers: [
    HealthService,
    EventLoopMonitor,
    DatabaseHealthIndicator,
    CloudHealthIndicator,
    FlavorBootstrapHealthIndicator,
    EngineHealthIndicator,
    QuotaHealthIndicator,
  ],
})
export class HealthModule {}
