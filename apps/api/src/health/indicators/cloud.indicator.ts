import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { OpenStackClient } from '@peak/openstack-client';
import { Clock } from '../../common/clock';
import { describeError } from '../../openstack/describe-error';
import { ProbeCache } from './probe-cache';

const PROBE_TIMEOUT_MS = 5000;
/** Probes come every few seconds from orchestrators; one real call per interval is enough. */
const CACHE_MS = 5000;

/**
 * Can the API reach and use the cloud right now? One real Nova call (`GET /limits`, which also proves the
 * credentials work), whose answer doubles as a quota summary for operators.
 */
@Injectable()
export class CloudHealthIndicator {
  private readonly cache: ProbeCache<{ ok: boolean; details: Record<string, unknown> }>;

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly health: HealthIndicatorService,
    clock: Clock,
  ) {
    this.cache = new ProbeCache(clock, CACHE_MS, () => this.probe());
  }

  async check(key = 'cloud') {
    const { ok, details } = await this.cache.get();
    const session = this.health.check(key);
    return ok ? session.up(details) : session.down(details);
  }

  private async probe(): Promise<{ ok: boolean; details: Record<string, unknown> }> {
    try {
      const limits = await this.openstack.compute.getLimits({ timeoutMs: PROBE_TIMEOUT_MS });
      return {
        ok: true,
        details: { instances: limits.instances, cores: limits.cores, ramMiB: limits.ramMiB },
      };
    } catch (error) {
      return { ok: false, details: { message: describeError(error) } };
    }
  }
}
