import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunVmEntity } from './entities/run-vm.entity';
import { RunEntity } from './entities/run.entity';
import { RunEvents } from './run-events';
import { RunsRepository } from './runs.repository';

/** Runs and their VM slots: the only module that touches the `run` and `run_vm` tables. */
@Module({
  imports: [TypeOrmModule.forFeature([RunEntity, RunVmEntity])],
  providers: [RunsRepository, RunEvents],
  exports: [RunsRepository, RunEvents],
})
export class RunsModule {}
