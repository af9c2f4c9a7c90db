import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isConflict, OpenStackClient, type Flavor } from '@peak/openstack-client';
import { Clock } from '../common/clock';
import { CatalogService } from '../catalog/catalog.service';
import { describeError } from '../openstack/describe-error';
import { flavorsConfig, type ManagedFlavorRole, type ManagedFlavorSpec } from './flavors.config';

export type ManagedFlavorState = 'pending' | 'created' | 'existing' | 'mismatch';

export interface ManagedFlavorStatus {
  role: ManagedFlavorRole;
  name: string;
  state: ManagedFlavorState;
  flavorId?: string;
  /** For `mismatch`: what differs, e.g. `vcpus: expected 4, found 2`. */
  differences: string[];
}

export type BootstrapPhase = 'disabled' | 'pending' | 'retrying' | 'done';

export interface FlavorBootstrapStatus {
  phase: BootstrapPhase;
  attempts: number;
  lastError?: string;
  nextRetryAt?: Date;
  completedAt?: Date;
  flavors: ManagedFlavorStatus[];
}

/**
 * Makes sure the `standard` and `large` flavors exist, once per start, in the background: the API serves
 * requests while the cloud is slow or unreachable, and retries with backoff until it succeeds.
 *
 * Idempotent and safe with several replicas: it finds by name first, creates only what is missing, and
 * takes Nova's 409 (another replica created it first) as success after reading the flavor back. A flavor
 * of that name with other specs is never modified: it is reported as a mismatch.
 */
@Injectable()
export class FlavorBootstrapService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FlavorBootstrapService.name);
  private status: FlavorBootstrapStatus;
  private running?: Promise<FlavorBootstrapStatus>;
  private retryTimer?: NodeJS.Timeout;
  private wakeRetry?: () => void;
  private stopped = false;

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
    @Inject(flavorsConfig.KEY) private readonly config: ConfigType<typeof flavorsConfig>,
  ) {
    this.status = {
      phase: config.bootstrap ? 'pending' : 'disabled',
      attempts: 0,
      flavors: config.managed.map((m) => ({ role: m.role, name: m.name, state: 'pending', differences: [] })),
    };
  }

  onApplicationBootstrap(): void {
    if (this.config.bootstrap) this.running = this.runUntilDone();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.wakeRetry?.();
  }

  getStatus(): FlavorBootstrapStatus {
    return { ...this.status, flavors: this.status.flavors.map((f) => ({ ...f, differences: [...f.differences] })) };
  }

  /** Resolves when the bootstrap has finished (or was stopped); for tests and readiness. */
  async whenSettled(): Promise<FlavorBootstrapStatus> {
    await this.running;
    return this.getStatus();
  }

  /** The managed role of a flavor, by name. */
  managedRoleOf(flavorName: string): ManagedFlavorStatus | undefined {
    return this.status.flavors.find((f) => f.name === flavorName);
  }

  private async runUntilDone(): Promise<FlavorBootstrapStatus> {
    let delay = this.config.retryInitialMs;
    while (!this.stopped) {
      this.status.attempts++;
      try {
        await this.ensureAll();
        this.status = { ...this.status, phase: 'done', lastError: undefined, nextRetryAt: undefined, completedAt: this.clock.now() };
        this.catalog.invalidateFlavors();
        return this.getStatus();
      } catch (error) {
        const message = describeError(error);
        // Full jitter keeps replicas that started together from retrying in lockstep.
        const wait = Math.round(delay / 2 + (Math.random() * delay) / 2);
        this.status = { ...this.status, phase: 'retrying', lastError: message, nextRetryAt: new Date(this.clock.now().getTime() + wait) };
        this.logger.warn(`Flavor bootstrap attempt ${this.status.attempts} failed: ${message}; retrying in ${Math.round(wait / 1000)} s`);
        await this.sleep(wait);
        delay = Math.min(delay * 2, this.config.retryMaxMs);
      }
    }
    return this.getStatus();
  }

  private async ensureAll(): Promise<void> {
    // One listing for both flavors; `is_public=None` also shows private flavors (flavor management is admin-only anyway).
    const existing = await this.openstack.compute.listFlavors({ isPublic: 'all' });
    for (const spec of this.config.managed) {
      const result = await this.ensureOne(spec, existing);
      const index = this.status.flavors.findIndex((f) => f.role === spec.role);
      this.status.flavors[index] = result;
    }
  }

  private async ensureOne(spec: ManagedFlavorSpec, existing: Flavor[]): Promise<ManagedFlavorStatus> {
    const found = existing.find((f) => f.name === spec.name);
    if (found) return this.describe(spec, found, 'existing');
    try {
      const created = await this.openstack.compute.createFlavor({
        name: spec.name,
        vcpus: spec.vcpus,
        ramMiB: spec.ramMiB,
        diskGiB: spec.diskGiB,
        isPublic: spec.isPublic,
      });
      this.logger.log(`Created flavor ${spec.name} (${created.id}): ${spec.vcpus} vCPU, ${spec.ramMiB} MiB RAM, ${spec.diskGiB} GB disk`);
      return this.describe(spec, created, 'created');
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another replica won the race: read back what it created.
      const again = (await this.openstack.compute.listFlavors({ isPublic: 'all' })).find((f) => f.name === spec.name);
      if (!again) throw error;
      return this.describe(spec, again, 'existing');
    }
  }

  private describe(spec: ManagedFlavorSpec, flavor: Flavor, state: 'created' | 'existing'): ManagedFlavorStatus {
    const differences = [
      flavor.vcpus !== spec.vcpus && `vcpus: expected ${spec.vcpus}, found ${flavor.vcpus}`,
      flavor.ramMiB !== spec.ramMiB && `ramMiB: expected ${spec.ramMiB}, found ${flavor.ramMiB}`,
      flavor.diskGiB !== spec.diskGiB && `diskGiB: expected ${spec.diskGiB}, found ${flavor.diskGiB}`,
      flavor.isPublic !== spec.isPublic && `isPublic: expected ${spec.isPublic}, found ${flavor.isPublic}`,
    ].filter((d): d is string => typeof d === 'string');
    if (differences.length > 0) {
      this.logger.warn(`Flavor ${spec.name} (${flavor.id}) exists with other specs; leaving it alone: ${differences.join('; ')}`);
      return { role: spec.role, name: spec.name, state: 'mismatch', flavorId: flavor.id, differences };
    }
    return { role: spec.role, name: spec.name, state, flavorId: flavor.id, differences: [] };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeRetry = resolve;
      this.retryTimer = setTimeout(resolve, ms);
      this.retryTimer.unref();
    });
  }
}
