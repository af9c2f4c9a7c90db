import type { SimBehaviour, SimulatorOptions } from '@peak/openstack-sim';
import { startSchedulesTestKit, untilLeader, type SchedulesTestKit } from '../../schedules/testing/schedules-test-kit';
import { EngineService } from '../engine.service';

/** The engine on, with a lease renewed every 100 ms and retries from 20 ms, so that tests wait little. */
const FAST_ENGINE = { ENGINE_ENABLED: 'true', ENGINE_LEASE_RENEW_MS: '100', ENGINE_RETRY_BASE_MS: '20' };

export interface EngineKitOptions {
  /** Settings over the fast engine's (a test's own timeouts, concurrency, webhooks...). */
  readonly env?: Record<string, string>;
  /** The simulator's own options (its seed, say). */
  readonly sim?: Omit<SimulatorOptions, 'port'>;
  /** The simulator's behaviour to set before the engine leads (build and delete delays, say); its defaults otherwise. */
  readonly behaviour?: Partial<SimBehaviour>;
}

/**
 * A schedules kit whose engine runs and leads: the API on a fresh database and a simulator, the manual clock at
 * `now`. Returned once the engine holds the lease; the test runs its passes (`runPassNow`) or lets its timers run them.
 */
export async function startEngineKit(
  label: string,
  now: string,
  options: EngineKitOptions = {},
): Promise<{ kit: SchedulesTestKit; engine: EngineService }> {
  const kit = await startSchedulesTestKit(label, now, { ...FAST_ENGINE, ...options.env }, options.sim);
  try {
    if (options.behaviour) await kit.sim.control.configure(options.behaviour);
    const engine = kit.app.get(EngineService);
    await untilLeader(engine);
    return { kit, engine };
  } catch (error) {
    await kit.close();
    throw error;
  }
}
