import type { IntendedDifference } from './compare';

/**
 * Differences between the simulator and the real Zed cloud that the simulator keeps on purpose, each with its
 * reason. `contract.cloud.ts` fails on any difference not listed here, and on an entry that no longer occurs: every
 * other difference found so far was fixed in the simulator (see apps/cloud-tests/README.md).
 */
export const INTENDED_DIFFERENCES: readonly IntendedDifference[] = [
  {
    scenario: 'image: versions, list, pages, show, errors',
    label: /^GET \/v2\/images/,
    difference: /^body images\[\]\.os_(distro|version): only in simulator \(string\)$/,
    reason:
      'Custom image properties are data, shown at the top level of an image: the simulator seeds an ubuntu-24.04 image with ' +
      'os_distro/os_version, the harness has only its cirros-tiny without them.',
  },
  {
    scenario: 'load-balancer: load balancers, pools, status tree',
    label: 'GET /v2/lbaas/loadbalancers/{id}/status',
    difference: 'body statuses.loadbalancer.pools: only in simulator (array)',
    reason:
      'The simulator models no listeners, so its status tree lists the pools at the top level; Octavia lists a pool only ' +
      'under its listener (the harness has peak-listener). The client reads both (`pools` and `listeners[].pools`).',
  },
];
