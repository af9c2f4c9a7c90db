import { registerAs } from '@nestjs/config';

export type ManagedFlavorRole = 'standard' | 'large';

export interface ManagedFlavorSpec {
  role: ManagedFlavorRole;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGiB: number;
  isPublic: boolean;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer (got "${raw}")`);
  return value;
}

function spec(role: ManagedFlavorRole, defaults: Omit<ManagedFlavorSpec, 'role' | 'name' | 'isPublic'>): ManagedFlavorSpec {
  const prefix = `FLAVOR_${role.toUpperCase()}`;
  return {
    role,
    name: process.env[`${prefix}_NAME`] || role,
    vcpus: positiveInt(`${prefix}_VCPUS`, defaults.vcpus),
    ramMiB: positiveInt(`${prefix}_RAM_MIB`, defaults.ramMiB),
    diskGiB: positiveInt(`${prefix}_DISK_GIB`, defaults.diskGiB),
    isPublic: process.env[`${prefix}_PUBLIC`] !== 'false',
  };
}

/** The two flavors the product makes sure exist on the cloud at start-up. */
export const flavorsConfig = registerAs('flavors', () => {
  const managed = [spec('standard', { vcpus: 1, ramMiB: 1024, diskGiB: 10 }), spec('large', { vcpus: 4, ramMiB: 8192, diskGiB: 40 })];
  if (managed[0]?.name === managed[1]?.name) throw new Error('FLAVOR_STANDARD_NAME and FLAVOR_LARGE_NAME must differ');
  return {
    managed,
    /** Set FLAVOR_BOOTSTRAP=false to leave the cloud's flavors alone (e.g. without admin rights). */
    bootstrap: process.env['FLAVOR_BOOTSTRAP'] !== 'false',
    /** Retry backoff when the cloud cannot be reached at start-up: starts here, doubles up to the max. */
    retryInitialMs: positiveInt('FLAVOR_BOOTSTRAP_RETRY_MS', 2000),
    retryMaxMs: positiveInt('FLAVOR_BOOTSTRAP_RETRY_MAX_MS', 60_000),
  };
});

export type FlavorsConfig = ReturnType<typeof flavorsConfig>;
