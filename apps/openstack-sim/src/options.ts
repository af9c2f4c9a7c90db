import type { SeedInput, SimulatorOptions } from '@peak/openstack-sim';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const USAGE = `OpenStack simulator (Keystone v3, Nova v2.1, Glance v2, Neutron v2.0) on one port.

Usage: node main.js [--host H] [--port P] [--seed FILE] [--build-delay MS] [--delete-delay MS] [--public-url URL]

Environment: SIM_HOST (127.0.0.1), SIM_PORT (8700), SIM_SEED_FILE, SIM_PUBLIC_URL, SIM_BUILD_DELAY_MS, SIM_DELETE_DELAY_MS,
SIM_TOKEN_TTL_SECONDS. Flags win over the environment. A seed file is JSON with any keys of SimSeed (each replaces the default's)
and "add": entries appended to the default's lists, e.g. {"add": {"networks": [...]}}.`;

export type CommandLine = { help: true } | { help: false; options: SimulatorOptions };

/** Options from flags, then the environment, then the simulator's defaults. Throws on a bad value. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): CommandLine {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      seed: { type: 'string' },
      'public-url': { type: 'string' },
      'build-delay': { type: 'string' },
      'delete-delay': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const seedFile = values.seed ?? env['SIM_SEED_FILE'];
  return {
    help: false,
    options: {
      host: values.host ?? env['SIM_HOST'] ?? '127.0.0.1',
      port: number('port', values.port ?? env['SIM_PORT']) ?? 8700,
      publicUrl: values['public-url'] ?? env['SIM_PUBLIC_URL'],
      buildDelayMs: number('build delay', values['build-delay'] ?? env['SIM_BUILD_DELAY_MS']),
      deleteDelayMs: number('delete delay', values['delete-delay'] ?? env['SIM_DELETE_DELAY_MS']),
      tokenTtlSeconds: number('token TTL', env['SIM_TOKEN_TTL_SECONDS']),
      seed: seedFile ? (JSON.parse(readFileSync(seedFile, 'utf8')) as SeedInput) : undefined,
    },
  };
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got '${raw}'`);
  return value;
}

/** What the server prints once listening: endpoints and the demo credentials. */
export function banner(listening: string, base: string): string {
  return [
    `OpenStack simulator listening on ${listening}`,
    `  identity  ${base}/identity/v3   (auth URL)`,
    `  compute   ${base}/compute/v2.1`,
    `  image     ${base}/image`,
    `  network   ${base}/network`,
    `  volume    ${base}/volume/v3       (block storage)`,
    `  octavia   ${base}/load-balancer   (load balancers, pools, members)`,
    `  control   ${base}/_sim           (latency, faults, quotas, request log, reset)`,
    '',
    'Demo credentials (domain Default, region RegionOne, password secret):',
    '  admin   projects admin, demo   role admin',
    '  demo    project demo           role member',
    '  viewer  project admin          role reader',
    '',
    'Try:',
    `  OS_AUTH_URL=${base}/identity/v3 OS_USERNAME=admin OS_PASSWORD=secret OS_PROJECT_NAME=admin \\`,
    '  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default openstack server list',
  ].join('\n');
}
