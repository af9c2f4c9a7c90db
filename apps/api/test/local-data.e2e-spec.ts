import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess, type ApiProcess } from '@peak/testing';
import { eventually } from '../src/testing/eventually';
import { ADMIN, keystoneToken } from '../src/testing/keystone-token';
import { simulatorEnv } from '../src/testing/simulator-env';

/**
 * A real cloud and no DATABASE_URL (a laptop with the production clouds.yaml): the API says plainly that its data is
 * local and where, and that it is an installation of its own.
 */
describe('the embedded database against a real cloud', () => {
  let sim: RunningSimulator;
  let dataDir: string;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'peak-local-data-'));
  });

  afterAll(async () => {
    await api?.stop();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns that the data is local, where it is, and which installation this is', async () => {
    api = await startApiProcess({
      EMBEDDED_DB_DIR: dataDir,
      ...simulatorEnv(sim),
      FLAVOR_BOOTSTRAP: 'false',
    });
    // The installation id is part of the detail a cloud admin sees.
    const { token } = await keystoneToken(sim.authUrl, ADMIN);
    const ready = (await (await fetch(`${api.url}/readyz`, { headers: { 'X-Auth-Token': token } })).json()) as {
      details: { engine: { installationId: string } };
    };
    const installationId = ready.details.engine.installationId;
    expect(installationId).toMatch(/^[0-9a-f-]{36}$/);
    // Log lines reach stdout in batches (apps/api/src/logging/logging.module.ts), so the warning may follow readiness
    // by a moment.
    const { output: read } = api;
    const output = await eventually(() => read().includes('This is installation') && read(), 'the warning');
    expect(output).toContain(`kept only on this machine, in the embedded database at ${dataDir}`);
    expect(output).toContain(`This is installation ${installationId}`);
  });
});
