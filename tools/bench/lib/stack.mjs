// The processes every benchmark of the API starts the same way: the simulator from dist/ with a network of its own,
// and the API's environment against it.
import { writeFileSync } from 'node:fs';
import { apiProcessEnv } from '../../api-env.mjs';
import { osEnvOf, SimControl } from './openstack.mjs';
import { freePort, startNode, stopProcess, waitForHttp } from './processes.mjs';

/**
 * The network the benchmarks boot on, added beside the simulator's own ones: its default networks are /24s (251
 * addresses), and 500 VMs at once would leave half in ERROR ("Failed to allocate the network(s)"), as Neutron would.
 * This /20 has 4,093.
 */
export const BENCH_NETWORK = { name: 'bench', project: 'admin', cidr: '10.16.0.0/20', mtu: 1450 };

/**
 * Starts the simulator on 127.0.0.1 with {@link BENCH_NETWORK} (its seed file and log in `dir`) and unlimited quotas
 * (the default project quota would stop a benchmark at 10 VMs). `env` adds to its environment. Stopped again if it
 * does not come up.
 */
export async function startSimulator(dir, env = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const seed = `${dir}/simulator-seed.json`;
  writeFileSync(seed, JSON.stringify({ add: { networks: [BENCH_NETWORK] } }, null, 2));
  const proc = startNode(
    'simulator',
    'dist/apps/openstack-sim/main.js',
    { ...process.env, SIM_HOST: '127.0.0.1', SIM_PORT: String(port), SIM_SEED_FILE: seed, ...env },
    `${dir}/simulator.log`,
  );
  try {
    await waitForHttp(proc, `${url}/_sim`);
    const control = new SimControl(url);
    await control.setQuotas({ instances: -1, cores: -1, ram: -1 });
    return { proc, url, control };
  } catch (error) {
    await stopProcess(proc);
    throw error;
  }
}

/**
 * The environment of an API process under benchmark: as the image starts it (tools/api-env.json), in production mode
 * on 127.0.0.1:`port`, on `databaseUrl`, against the simulator at `simUrl`; ready only once the cloud answers and both
 * managed flavors exist, so that a benchmark starts from there.
 */
export function benchApiEnv({ port, databaseUrl, simUrl }) {
  return {
    ...apiProcessEnv(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    ...osEnvOf(`${simUrl}/identity/v3`),
    READINESS_REQUIRES_CLOUD: 'true',
  };
}
