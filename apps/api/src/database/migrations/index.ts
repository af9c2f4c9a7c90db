import type { MigrationInterface } from 'typeorm';
import { EngineLease1764201600000 } from './1764201600000-EngineLease';
import { Schedules1795739122086 } from './1795739122086-Schedules';
import { EngineState1795739500000 } from './1795739500000-EngineState';
import { RunLifecycle1795900000000 } from './1795900000000-RunLifecycle';
import { InstallationAndChanges1796000000000 } from './1796000000000-InstallationAndChanges';
import { LeaseEpoch1796100000000 } from './1796100000000-LeaseEpoch';
import { RunHistory1796200000000 } from './1796200000000-RunHistory';
import { ScheduleOwnership1796300000000 } from './1796300000000-ScheduleOwnership';
import { ScheduleTrustor1796400000000 } from './1796400000000-ScheduleTrustor';
import { LaunchOptions1796500000000 } from './1796500000000-LaunchOptions';
import { StopEarly1796600000000 } from './1796600000000-StopEarly';
import { IdempotencyKeys1796700000000 } from './1796700000000-IdempotencyKeys';
import { AuditLog1796800000000 } from './1796800000000-AuditLog';
import { ExpectedShortfall1796850000000 } from './1796850000000-ExpectedShortfall';
import { EventHistory1796950000000 } from './1796950000000-EventHistory';
import { TeardownOverdue1797000000000 } from './1797000000000-TeardownOverdue';
import { PoolMembership1797100000000 } from './1797100000000-PoolMembership';
import { Webhooks1796900000000 } from './1796900000000-Webhooks';

/** Every migration, in order. Add new ones here; name files `<timestamp>-PascalName.ts`. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  EngineLease1764201600000,
  Schedules1795739122086,
  EngineState1795739500000,
  RunLifecycle1795900000000,
  InstallationAndChanges1796000000000,
  LeaseEpoch1796100000000,
  RunHistory1796200000000,
  ScheduleOwnership1796300000000,
  ScheduleTrustor1796400000000,
  LaunchOptions1796500000000,
  StopEarly1796600000000,
  IdempotencyKeys1796700000000,
  AuditLog1796800000000,
  ExpectedShortfall1796850000000,
  Webhooks1796900000000,
  EventHistory1796950000000,
  TeardownOverdue1797000000000,
  PoolMembership1797100000000,
];
