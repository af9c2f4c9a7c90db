import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EngineService } from '../../engine/engine.service';
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
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'engine') {
    const last = this.engine.lastPass;
    return this.health.check(key).up({
      installationId: this.installation.id,
      role: this.engine.role,
      ...(last && { lastPassAt: last.at.toISOString(), lastPassMs: Math.round(last.durationMs), schedules: last.schedules }),
    });
  }
}
