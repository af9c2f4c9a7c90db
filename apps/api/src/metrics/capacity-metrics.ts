import { Injectable } from '@nestjs/common';
import { CAPACITY_RESOURCES, type CapacityConflict } from '@peak/schedule-domain';
import { Gauge, Registry } from 'prom-client';

/**
 * What the capacity check found: per project and resource, the largest excess of planned demand over what the quota
 * leaves, anywhere in the horizon (0: fits). Set whenever a fit check runs, so an alert on `> 0` fires days before
 * the window that would be refused, rather than when the engine's creates fail.
 */
@Injectable()
export class CapacityMetrics {
  private readonly shortfall: Gauge<'project_id' | 'resource'>;
  /** The projects that have series. */
  private readonly projects = new Set<string>();

  constructor(registry: Registry) {
    this.shortfall = new Gauge({
      name: 'peak_capacity_shortfall',
      help: "Largest excess of the project's planned demand over its quota (less usage not the schedules') within the capacity horizon, by resource; 0 when it fits.",
      labelNames: ['project_id', 'resource'],
      registers: [registry],
    });
  }

  /** Drops the series of projects no longer checked (no enabled schedule left), so no stale alert lingers. */
  retain(projectIds: ReadonlySet<string>): void {
    for (const projectId of this.projects) {
      if (projectIds.has(projectId)) continue;
      for (const resource of CAPACITY_RESOURCES) this.shortfall.remove({ project_id: projectId, resource });
      this.projects.delete(projectId);
    }
  }

  record(projectId: string, conflicts: readonly CapacityConflict[]): void {
    this.projects.add(projectId);
    for (const resource of CAPACITY_RESOURCES) {
      const excess = conflicts.filter((c) => c.resource === resource).reduce((most, c) => Math.max(most, c.needed - c.available), 0);
      this.shortfall.set({ project_id: projectId, resource }, excess);
    }
  }
}
