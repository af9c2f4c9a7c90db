import type { RunningSimulator } from '@peak/openstack-sim';

/** The `OS_*` variables an operator would export for the simulator's admin user. */
export function simulatorEnv(sim: RunningSimulator, user = 'admin'): Record<string, string> {
  return {
    OS_AUTH_URL: sim.authUrl,
    OS_USERNAME: user,
    OS_PASSWORD: 'secret',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
  };
}
