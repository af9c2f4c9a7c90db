import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { Clock, SystemClock } from '../common/clock';
import { healthConfig } from './health.config';
import { EventLoopMonitor } from './event-loop-monitor';
import { CloudHealthIndicator } from './indicators/cloud.indicator';
import { DatabaseHealthIndicator } from './indicators/database.indicator';
import { EngineHealthIndicator } from './indicators/engine.indicator';
import { FlavorBootstrapHealthIndicator } from './indicators/flavor-bootstrap.indicator';
import { ProbeCache } from './indicators/probe-cache';
import { QuotaHealthIndicator } from './indicators/quota.indicator';

/** A flood of probes costs one real check per second. */
const READINESS_CACHE_MS = 1000;
const DATABASE_TIMEOUT_MS = 3000;

export type PartStatus = 'up' | 'down';
export type Parts = Record<string, { status: PartStatus } & Record<string, unknown>>;

/** Terminus's shape (`status`, `info`, `error`, `details`), which probes and dashboards already read. */
export interface HealthReport {
  status: 'ok' | 'error';
  info: Parts;
  error: Parts;
  details: Parts;
}

export interface Liveness {
  status: 'ok' | 'error';
  /** The longest the event loop was blocked in the last 5 to 10 seconds. */
  eventLoopDelayMs: number;
  uptimeSeconds: number;
}

/** What anyone may see of a part: its status, and for these parts one harmless field. */
const PUBLIC_FIELDS: Record<string, readonly string[]> = { flavors: ['phase'], engine: ['role'] };

/**
 * Liveness and readiness, Kubernetes style:
 * - liveness is the process alone (the event loop runs), so a database or cloud outage never restarts a pod;
 * - readiness is what this replica needs to serve: the database. The cloud, the managed flavors, the engine's role
 *   and quota shortfalls are reported with it; the cloud and the flavors fail it only with `READINESS_REQUIRES_CLOUD`.
 * Readiness is computed at most once a second, whoever asks; its detail (quotas, the cloud's messages, ids) is for
 * cloud admins only (`forViewer`).
 */
@Injectable()
export class HealthService {
  private readonly readinessCache: ProbeCache<HealthReport>;
  private readonly startedAt: number;

  constructor(
    private readonly db: DatabaseHealthIndicator,
    private readonly cloud: CloudHealthIndicator,
    private readonly flavors: FlavorBootstrapHealthIndicator,
    private readonly engine: EngineHealthIndicator,
    private readonly quota: QuotaHealthIndicator,
    private readonly loop: EventLoopMonitor,
    private readonly clock: Clock,
    @Inject(healthConfig.KEY) private readonly config: ConfigType<typeof healthConfig>,
  ) {
    // Real time, not the injected clock: this only spares the database a flood of probes.
    this.readinessCache = new ProbeCache(new SystemClock(), READINESS_CACHE_MS, () => this.checkReadiness());
    this.startedAt = clock.monotonicMs();
  }

  liveness(): Liveness {
    const eventLoopDelayMs = Math.round(this.loop.maxDelayMs);
    return {
      status: eventLoopDelayMs <= this.config.maxEventLoopDelayMs ? 'ok' : 'error',
      eventLoopDelayMs,
      uptimeSeconds: Math.floor((this.clock.monotonicMs() - this.startedAt) / 1000),
    };
  }

  readiness(): Promise<HealthReport> {
    return this.readinessCache.get();
  }

  /** The report as `viewer` may see it: everything for a cloud admin, statuses (and harmless fields) for anyone else. */
  forViewer(report: HealthReport, viewer: 'admin' | 'anyone'): HealthReport {
    if (viewer === 'admin') return report;
    const strip = (parts: Parts): Parts =>
      Object.fromEntries(
        Object.entries(parts).map(([key, part]) => [
          key,
          {
            status: part.status,
            ...Object.fromEntries((PUBLIC_FIELDS[key] ?? []).filter((field) => part[field] !== undefined).map((f) => [f, part[f]])),
          },
        ]),
      );
    return { status: report.status, info: strip(report.info), error: strip(report.error), details: strip(report.details) };
  }

  private async checkReadiness(): Promise<HealthReport> {
    const requireCloud = this.config.requireCloud;
    const checks: Array<{ required: boolean; run: () => Promise<HealthIndicatorResult> | HealthIndicatorResult }> = [
      { required: true, run: () => this.db.check('database', DATABASE_TIMEOUT_MS) },
      { required: requireCloud, run: () => this.cloud.check('cloud') },
      { required: requireCloud, run: () => this.flavors.check('flavors', true) },
      { required: false, run: () => this.engine.check('engine') },
      { required: false, run: () => this.quota.check('quota') },
    ];
    const results = await Promise.all(
      checks.map(async ({ required, run }, index) => {
        try {
          return { required, result: await run() };
        } catch (error) {
          const key = ['database', 'cloud', 'flavors', 'engine', 'quota'][index];
          return { required, result: { [key]: { status: 'down', message: error instanceof Error ? error.message : String(error) } } };
        }
      }),
    );
    const report: HealthReport = { status: 'ok', info: {}, error: {}, details: {} };
    for (const { required, result } of results) {
      for (const [key, part] of Object.entries(result as Parts)) {
        report.details[key] = part;
        if (part.status === 'up') report.info[key] = part;
        else {
          report.error[key] = part;
          if (required) report.status = 'error';
        }
      }
    }
    return report;
  }
}
