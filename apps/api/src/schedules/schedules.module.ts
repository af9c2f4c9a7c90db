import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CloudReferenceChecker, OpenStackReferenceChecker } from './cloud-reference-checker';
import { RunVmEntity } from './entities/run-vm.entity';
import { RunEntity } from './entities/run.entity';
import { ScheduleEntity } from './entities/schedule.entity';
import { ScheduleEvents } from './schedule-events';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

/**
 * Schedules and their runs. For the engine it exports the repositories of the three entities, the service
 * (`completeDeletion`), the change events and the repository (`hasLiveVms`); the timing helpers
 * (`compileSchedule`, `scheduleTiming`) are plain functions in `schedule.mappers.ts`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ScheduleEntity, RunEntity, RunVmEntity])],
  controllers: [SchedulesController],
  providers: [
    SchedulesService,
    SchedulesRepository,
    ScheduleEvents,
    // The OpenStackClient comes from the global OpenStackModule.
    { provide: CloudReferenceChecker, useClass: OpenStackReferenceChecker },
  ],
  exports: [TypeOrmModule, SchedulesService, SchedulesRepository, ScheduleEvents],
})
export class SchedulesModule {}
