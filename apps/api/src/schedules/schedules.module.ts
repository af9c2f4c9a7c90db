import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventLog } from '../events/event-log';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { CloudReferenceChecker, OpenStackReferenceChecker } from './cloud-reference-checker';
import { CapacityModule } from '../capacity/capacity.module';
import { RunsModule } from '../runs/runs.module';
import { ScheduleEntity } from './entities/schedule.entity';
import { OwnershipBackfill } from './ownership-backfill';
import { TrustBroker } from './trust-broker';
import { ScheduleEvents } from './schedule-events';
import { SchedulesController } from './schedules.controller';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';

/**
 * Schedules and `/v1/schedules` (their runs come from the runs module). For the engine it exports the
 * schedule repository and the change events; the timing helpers (`compileSchedule`, `scheduleTiming`) are
 * plain functions in `schedule.mappers.ts`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ScheduleEntity]), RunsModule, CapacityModule, IdempotencyModule],
  controllers: [SchedulesController],
  providers: [
    SchedulesService,
    SchedulesRepository,
    EventLog,
    ScheduleEvents,
    OwnershipBackfill,
    TrustBroker,
    // The OpenStackClient comes from the global OpenStackModule.
    { provide: CloudReferenceChecker, useClass: OpenStackReferenceChecker },
  ],
  exports: [TypeOrmModule, ScheduleEvents],
})
export class SchedulesModule {}
