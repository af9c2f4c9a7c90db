import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Clock } from '../../common/clock';
import { RunsRepository } from '../../runs/runs.repository';
import { ProbeCache } from './probe-cache';

/** Probes come every few seconds; the summary changes at the engine's pace. */
const CACHE_MS = 5000;
/** The summary names at most this many projects (the worst first). */
const MAX_PROJECTS = 20;

/**
 * Which Keystone projects' quotas hold VMs back right now, read from the runs (so every replica answers the
 * same, not only the engine's leader). Informative: a full quota is the tenant's to raise, not a reason to take
 * this replica out of service.
 */
@Injectable()
export class QuotaHealthIndicator {
  private readonly cache: ProbeCache<Record<string, unknown>>;

  constructor(
    private readonly runs: RunsRepository,
    private readonly health: HealthIndicatorService,
    clock: Clock,
  ) {
    this.cache = new ProbeCache(clock, CACHE_MS, () => this.summary());
  }

  async check(key = 'quota') {
    return this.health.check(key).up(await this.cache.get());
  }

  private async summary(): Promise<Record<string, unknown>> {
    const shortfalls = await this.runs.quotaShortfalls(MAX_PROJECTS);
    return {
      projectsShort: shortfalls.length,
      projects: shortfalls.map((s) => ({
        projectId: s.projectId,
        projectName: s.projectName,
        schedules: s.schedules,
        vmsHeldBack: s.vms,
        lastError: s.lastError,
        lastErrorAt: s.lastErrorAt?.toISOString() ?? null,
      })),
    };
  }
}
