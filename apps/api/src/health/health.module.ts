import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EngineModule } from '../engine/engine.module';
import { FlavorsModule } from '../flavors/flavors.module';
import { RunsModule } from '../runs/runs.module';
import { HealthController } from './health.controller';
import { CloudHealthIndicator } from './indicators/cloud.indicator';
import { EngineHealthIndicator } from './indicators/engine.indicator';
import { FlavorBootstrapHealthIndicator } from './indicators/flavor-bootstrap.indicator';
import { QuotaHealthIndicator } from './indicators/quota.indicator';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }), FlavorsModule, EngineModule, RunsModule],
  controllers: [HealthController],
  providers: [CloudHealthIndicator, FlavorBootstrapHealthIndicator, EngineHealthIndicator, QuotaHealthIndicator],
})
export class HealthModule {}
