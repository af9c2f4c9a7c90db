import { startSimulator, type RunningSimulator, type SimulatorOptions } from '@peak/openstack-sim';
import type { CloudConfig } from '../config/cloud-config';
import { loadCloudConfig } from '../config/load-cloud-config';
import { OpenStackClient, type OpenStackClientOptions } from '../openstack-client';

export type SimUser = 'admin' | 'demo' | 'viewer';

/** The simulator on an ephemeral loopback port, with short build and delete delays. */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ port: 0, buildDelayMs: 30, deleteDelayMs: 30, ...options });
}

/** A simulator user's cloud, through the same `OS_*` loader production uses. */
export function simCloud(sim: RunningSimulator, user: SimUser = 'admin', extraEnv: Record<string, string> = {}): CloudConfig {
  return loadCloudConfig({
    env: {
      OS_AUTH_URL: sim.authUrl,
      OS_USERNAME: user,
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: user === 'demo' ? 'demo' : 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
      ...extraEnv,
    },
  });
}

/** A client of the simulator with quick retries, so resilience tests do not wait for production backoffs. */
export function simClient(sim: RunningSimulator, user: SimUser = 'admin', options: OpenStackClientOptions = {}): OpenStackClient {
  return OpenStackClient.create(simCloud(sim, user), {
    timeoutMs: 5_000,
    ...options,
    retry: { baseDelayMs: 5, maxDelayMs: 40, ...options.retry },
  });
}
