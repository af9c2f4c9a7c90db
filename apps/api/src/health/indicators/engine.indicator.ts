import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EngineService } from '../../engine/engine.service';
import { RunExecutor } from '../../engine/executor';
import { InstallationService } from '../../installation/installation.service';

/**
 * Which installation this is and which role this replica plays in the engine; informative (a follower is as ready
 * as the leader).
 */
@Injectable()
export class EngineHealthIndicator {
  constructor(
    private readonly engine: EngineService,
    private readonly installation: InstallationService,
    private readonly executor: RunExecutor,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'engine') {
    const last = this.engine.lastPass;
    return this.health.check(key).up({
      installationId: this.installation.id,
      role: this.engine.role,
      // Schedules whose Keystone trust stopped working: their runs cannot make VMs until it is given again.
      ...(this.executor.trustProblems.size > 0 && {
        trustProblems: [...this.executor.trustProblems].slice(0, 20).map(([scheduleId, { reason }]) => ({ scheduleId, reason })),
      }),
      ...(last && { lastPassAt: last.at.toISOString(), lastPassMs: Math.round(last.durationMs), schedules: last.schedules }),
    });
  }
}
