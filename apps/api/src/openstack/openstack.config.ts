import { defineConfig } from '../config/env';
import { loadCloudConfig, type CloudConfig } from '@peak/openstack-client';

export interface OpenStackConfig {
  /** The cloud from `OS_CLOUD` + clouds.yaml or the `OS_*` variables, resolved like the `openstack` CLI does. */
  cloud: CloudConfig;
  /**
   * Per-attempt timeout of every OpenStack call (`OPENSTACK_TIMEOUT_MS`); unset, the cloud's `api_timeout`
   * (clouds.yaml, `OS_API_TIMEOUT`) applies, else 30 s.
   */
  requestTimeoutMs: number | undefined;
}

/**
 * The `openstack` config namespace. Loading it throws the loader's `CloudConfigError`, which names every
 * missing setting, so a misconfigured API fails at start-up rather than on its first cloud call.
 * It reads files and variables only: an unreachable cloud does not stop the API from starting.
 */
export const openstackConfig = defineConfig(
  'openstack',
  (env): OpenStackConfig => ({
    requestTimeoutMs:
      env.string('OPENSTACK_TIMEOUT_MS') === undefined ? undefined : env.int('OPENSTACK_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
    cloud: loadCloudConfig({ env: process.env }),
  }),
);
