/** The timestamp spellings the OpenStack services use (each service has its own). */

/** `2019-04-23T15:19:14Z` (Nova `created`/`updated`, Glance, Neutron). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `2015-11-07T02:58:43.578000Z` (Keystone `expires_at`/`issued_at`). */
export function isoMicros(ms: number): string {
  return new Date(Math.floor(ms)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** `2019-04-23T15:19:15.317000` (Nova `OS-SRV-USG:launched_at`: naive UTC, microseconds). */
export function isoMicrosNaive(ms: number): string {
  return isoMicros(ms).slice(0, -1);
}
