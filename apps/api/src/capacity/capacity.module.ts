import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunsModule } from '../runs/runs.module';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { CapacityController } from './capacity.controller';
import { CapacityService } from './capacity.service';

/**
 * "Will it fit?": `GET /v1/capacity`, and the fit check the schedules module runs on preview, create and change. It
 * reads schedules (never writes them) and asks the runs module for the VMs the engine holds; the OpenStack client
 * and the metrics come from their global modules.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ScheduleEntity]), RunsModule],
  controllers: [CapacityController],
  providers: [CapacityService],
  exports: [CapacityService],
})
export class CapacityModule {}
