import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { FlavorBootstrapService } from '../../flavors/flavor-bootstrap.service';

@Injectable()
export class FlavorBootstrapHealthIndicator {
  constructor(
    private readonly bootstrap: FlavorBootstrapService,
    private readonly health: HealthIndicatorService,
  ) {}

  /** `required`: down until both flavors are ensured (readiness); otherwise informative only (liveness). */
  check(key = 'flavors', required = false) {
    const status = this.bootstrap.getStatus();
    const details = {
      phase: status.phase,
      attempts: status.attempts,
      ...(status.lastError && { lastError: status.lastError }),
      ...(status.nextRetryAt && { nextRetryAt: status.nextRetryAt.toISOString() }),
      flavors: status.flavors.map((f) => ({
        role: f.role,
        name: f.name,
        state: f.state,
        ...(f.flavorId && { id: f.flavorId }),
        ...(f.differences.length > 0 && { differences: f.differences }),
      })),
    };
    const session = this.health.check(key);
    const done = status.phase === 'done' || status.phase === 'disabled';
    return !required || done ? session.up(details) : session.down(details);
  }
}
