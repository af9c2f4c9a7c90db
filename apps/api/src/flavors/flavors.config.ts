import { EnvReader, defineConfig } from '../config/env';

export type ManagedFlavorRole = 'standard' | 'large';

export interface ManagedFlavorSpec {
  role: ManagedFlavorRole;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGiB: number;
  isPublic: boolean;
}

function spec(env: EnvReader, role: ManagedFlavorRole, defaults: Omit<ManagedFlavorSpec, 'role' | 'name' | 'isPublic'>): ManagedFlavorSpec {
  const prefix = `FLAVOR_${role.toUpperCase()}`;
  return {
    role,
    name: env.string(`${prefix}_NAME`, role),
    vcpus: env.int(`${prefix}_VCPUS`, defaults.vcpus, { min: 0 }),
    ramMiB: env.int(`${prefix}_RAM_MIB`, defaults.ramMiB, { min: 0 }),
    diskGiB: env.int(`${prefix}_DISK_GIB`, defaults.diskGiB, { min: 0 }),
    isPublic: env.bool(`${prefix}_PUBLIC`, true),
  };
}

/** The two flavors the product makes sure exist on the cloud at start-up. */
export const flavorsConfig = defineConfig('flavors', (env) => {
  const managed = [
    spec(env, 'standard', { vcpus: 1, ramMiB: 1024, diskGiB: 10 }),
    spec(env, 'large', { vcpus: 4, ramMiB: 8192, diskGiB: 40 }),
  ];
  if (managed[0]?.name === managed[1]?.name) env.problem('FLAVOR_LARGE_NAME', 'must differ from FLAVOR_STANDARD_NAME', managed[1]?.name);
  return {
    managed,
    /** Set FLAVOR_BOOTSTRAP=false to leave the cloud's flavors alone (e.g. without admin rights). */
    bootstrap: env.bool('FLAVOR_BOOTSTRAP', true),
    /** Retry backoff when the cloud cannot be reached at start-up: starts here, doubles up to the max. */
    retryInitialMs: env.int('FLAVOR_BOOTSTRAP_RETRY_MS', 2000, { min: 0 }),
    retryMaxMs: env.int('FLAVOR_BOOTSTRAP_RETRY_MAX_MS', 60_000, { min: 0 }),
  };
});

export type FlavorsConfig = ReturnType<typeof flavorsConfig>;
