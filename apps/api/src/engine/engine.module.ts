import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule as NestScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { engineConfig } from '../config/engine.config';
import { RunVmEntity } from '../schedules/entities/run-vm.entity';
import { RunEntity } from '../schedules/entities/run.entity';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { SchedulesModule } from '../schedules/schedules.module';
import { EngineSchedules } from './engine-schedules';
import { EngineService } from './engine.service';
import { EngineStateEntity } from './entities/engine-state.entity';
import { LeaderElectionService } from './leader-election.service';
import { ReconcilerService } from './reconciler.service';

/** The peak engine: creates and destroys VMs on time, on the one replica that holds the lease. */
@Module({
  imports: [
    ConfigModule.forFeature(engineConfig),
    NestScheduleModule.forRoot(),
    TypeOrmModule.forFeature([ScheduleEntity, RunEntity, RunVmEntity, EngineStateEntity]),
    SchedulesModule,
  ],
  providers: [LeaderElectionService, EngineSchedules, ReconcilerService, EngineService],
  exports: [EngineService, LeaderElectionService],
})
export class EngineModule {}
