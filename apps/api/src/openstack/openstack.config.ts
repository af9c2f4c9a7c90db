import { registerAs } from '@nestjs/config';
import { loadCloudConfig, type CloudConfig } from '@peak/openstack-client';

export interface OpenStackConfig {
  /** The cloud from `OS_CLOUD` + clouds.yaml or the `OS_*` variables, resolved like the `openstack` CLI does. */
  cloud: CloudConfig;
  /** Per-attempt timeout of every OpenStack call (`OPENSTACK_TIMEOUT_MS`, default 30 s). */
  requestTimeoutMs: number;
}

/**
 * The `openstack` config namespace. Loading it throws the loader's `CloudConfigError`, which names every
 * missing setting, so a misconfigured API fails at start-up rather than on its first cloud call.
 * It reads files and variables only: an unreachable cloud does not stop the API from starting.
 */
export const openstackConfig = registerAs('openstack', (): OpenStackConfig => {
  const rawTimeout = process.env['OPENSTACK_TIMEOUT_MS'];
  const requestTimeoutMs = rawTimeout === undefined || rawTimeout === '' ? 30_000 : Number(rawTimeout);
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 100 || requestTimeoutMs > 600_000) {
    throw new Error(
      `Invalid environment configuration:\n  OPENSTACK_TIMEOUT_MS: must be an integer between 100 and 600000 (ms), got ${rawTimeout}`,
    );
  }
  return { cloud: loadCloudConfig({ env: process.env }), requestTimeoutMs };
});
