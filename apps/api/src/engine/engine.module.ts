import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule as NestScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CapacityModule } from '../capacity/capacity.module';
import { engineConfig } from '../config/engine.config';
import { InstallationModule } from '../installation/installation.module';
import { RunsModule } from '../runs/runs.module';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { SchedulesModule } from '../schedules/schedules.module';
import { EngineSchedules } from './engine-schedules';
import { EngineService } from './engine.service';
import { EngineStateEntity } from './entities/engine-state.entity';
import { RunExecutor } from './executor';
import { LeaderElectionService } from './leader-election.service';
import { MembershipService } from './membership';
import { ReconcilerService } from './reconciler.service';
import { RunRetentionService } from './run-retention.service';

/** The peak engine: creates and destroys VMs on time, on the one replica that holds the lease. */
@Module({
  imports: [
    ConfigModule.forFeature(engineConfig),
    NestScheduleModule.forRoot(),
    TypeOrmModule.forFeature([ScheduleEntity, EngineStateEntity]),
    SchedulesModule,
    RunsModule,
    InstallationModule,
    CapacityModule,
  ],
  providers: [
    LeaderElectionService,
    EngineSchedules,
    RunExecutor,
    MembershipService,
    ReconcilerService,
    EngineService,
    RunRetentionService,
  ],
  exports: [EngineService, LeaderElectionService, RunExecutor, InstallationModule],
})
export class EngineModule {}
