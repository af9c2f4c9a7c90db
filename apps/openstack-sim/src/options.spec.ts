import { defaultSeed, startSimulator } from '@peak/openstack-sim';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { banner, readOptions } from './options';

describe(readOptions.name, () => {
  it('defaults to 127.0.0.1:8700', () => {
    expect(readOptions([], {})).toEqual({ help: false, options: expect.objectContaining({ host: '127.0.0.1', port: 8700 }) });
  });

  it('reads the environment, flags winning', () => {
    const env = { SIM_HOST: '0.0.0.0', SIM_PORT: '9000', SIM_BUILD_DELAY_MS: '50', SIM_TOKEN_TTL_SECONDS: '60' };
    const result = readOptions(['--port', '0', '--delete-delay', '5'], env);
    expect(result).toEqual({
      help: false,
      options: expect.objectContaining({ host: '0.0.0.0', port: 0, buildDelayMs: 50, deleteDelayMs: 5, tokenTtlSeconds: 60 }),
    });
  });

  it('refuses a bad number', () => {
    expect(() => readOptions([], { SIM_PORT: 'eighty' })).toThrow("port must be a number >= 0, got 'eighty'");
  });

  it('loads a seed file that the simulator then serves', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-seed-')), 'seed.json');
    writeFileSync(file, JSON.stringify({ flavors: [{ id: '42', name: 'm1.nano', vcpus: 1, ram: 128, disk: 1 }] }));
    const result = readOptions(['--seed', file], {});
    if (result.help) throw new Error('unexpected help');
    const sim = await startSimulator({ ...result.options, port: 0 });
    try {
      const status = await sim.control.status();
      expect(status.counts.flavors).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('adds to the default lists what a seed file gives under "add"', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-seed-')), 'seed.json');
    writeFileSync(file, JSON.stringify({ add: { networks: [{ name: 'wide', project: 'admin', cidr: '10.16.0.0/20' }] } }));
    const result = readOptions(['--seed', file], {});
    if (result.help) throw new Error('unexpected help');
    const sim = await startSimulator({ ...result.options, port: 0 });
    try {
      const status = await sim.control.status();
      expect(status.counts.networks).toBe(defaultSeed().networks.length + 1);
      expect(status.counts.flavors).toBe(defaultSeed().flavors.length);
    } finally {
      await sim.close();
    }
  });

  it('asks for help', () => {
    expect(readOptions(['-h'], {})).toEqual({ help: true });
  });
});

describe(banner.name, () => {
  it('prints the endpoints and the demo credentials', () => {
    const text = banner('http://127.0.0.1:8700', 'http://127.0.0.1:8700');
    expect(text).toContain('identity  http://127.0.0.1:8700/identity/v3');
    expect(text).toContain('octavia   http://127.0.0.1:8700/load-balancer');
    expect(text).toContain('admin   projects admin, demo   role admin');
    expect(text).toContain('OS_AUTH_URL=http://127.0.0.1:8700/identity/v3');
  });
});
