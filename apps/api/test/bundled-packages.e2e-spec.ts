import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, startApiProcess, type ApiProcess } from '@peak/testing';
import { ADMIN, keystoneToken } from '../src/testing/keystone-token';
import { simulatorEnv } from '../src/testing/simulator-env';

// The packages the build bundles (see the file), shared with webpack.config.js.
const BUNDLED: readonly string[] = require('../bundled-packages.cjs');

/**
 * The build bundles a few packages into main.js (apps/api/bundled-packages.cjs). Were one of them also required by a
 * package that stays in node_modules, Node would load it from there as well, from the file its name resolves to: a
 * second copy, in memory twice (and, for TypeORM, a second copy that does not know the API's data source). The built
 * API runs as in production (database, cloud, engine, a schedule listed, readiness checked), and every file Node
 * loaded is read from its module cache when it stops.
 */
describe('the packages bundled into main.js', () => {
  let sim: RunningSimulator;
  let db: { url: string; drop(): Promise<void> };
  let dir: string;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    db = await createTestDatabase({ adminUrl, embedded: false }, 'bundled_e2e');
    dir = mkdtempSync(join(tmpdir(), 'peak-bundled-'));
  });

  afterAll(async () => {
    await api?.kill();
    await sim?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are loaded from main.js only, never a second time from node_modules', async () => {
    const record = join(dir, 'record-modules.cjs');
    const modules = join(dir, 'modules.json');
    writeFileSync(
      record,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(modules)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    api = await startApiProcess({
      NODE_OPTIONS: `--require ${record}`,
      DATABASE_URL: db.url,
      ...simulatorEnv(sim),
      LOG_LEVEL: 'warn',
    });
    const { token } = await keystoneToken(sim.authUrl, ADMIN);
    const headers = { 'X-Auth-Token': token };
    const ready = await fetch(`${api.url}/readyz`, { headers });
    expect(await ready.json()).toMatchObject({ details: { database: { status: 'up' }, cloud: { status: 'up' } } });
    expect((await fetch(`${api.url}/v1/schedules`, { headers })).status).toBe(200);
    await api.stop();

    const loaded = new Set(JSON.parse(readFileSync(modules, 'utf8')) as string[]);
    // The record holds the packages that stay in node_modules (so that an empty one cannot pass)...
    expect([...loaded]).toEqual(expect.arrayContaining([require.resolve('@nestjs/core'), require.resolve('pg')]));
    // ...and none of the bundled ones.
    expect(BUNDLED.filter((name) => loaded.has(require.resolve(name)))).toEqual([]);
  });
});
