import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { createTestDatabase, startApiProcess, type ApiProcess } from '@peak/testing';
import { ADMIN, keystoneToken } from '../../apps/api/src/testing/keystone-token';

/**
 * The built API (dist/apps/api/main.js) started by the Node that runs this test (Node 24, from tools/node24/run.mjs)
 * on a fresh database and the simulator, both on 127.0.0.1: it must come up, answer, and stop cleanly.
 */
describe('the built API on Node 24', () => {
  let sim: RunningSimulator | undefined;
  let db: { url: string; drop(): Promise<void> } | undefined;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    const embedded = process.env['PEAK_TEST_PG_EMBEDDED'] === 'true';
    sim = await startSimulator({ port: 0 });
    db = await createTestDatabase({ adminUrl, embedded }, 'node24_smoke');
    api = await startApiProcess({
      DATABASE_URL: db.url,
      // The embedded fallback serves one connection.
      ...(embedded ? { DATABASE_POOL_SIZE: '1' } : {}),
      OS_AUTH_URL: sim.authUrl,
      OS_USERNAME: ADMIN.name,
      OS_PASSWORD: ADMIN.password,
      OS_PROJECT_NAME: ADMIN.project,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await api?.kill();
    await sim?.close();
    await db?.drop();
  });

  it('runs on Node 24, the API too', () => {
    expect(process.version).toMatch(/^v24\./);
    expect(api?.child.spawnfile).toBe(process.execPath);
  });

  it('answers /v1/health (startApiProcess waited for its 200), /docs-json and /v1/flavors', async () => {
    const url = api?.url as string;
    const health = await fetch(`${url}/v1/health`);
    expect(health.status).toBe(200);

    const docs = await fetch(`${url}/docs-json`);
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths).toHaveProperty(['/v1/flavors']);

    expect((await fetch(`${url}/v1/flavors`)).status).toBe(401);
    const { token } = await keystoneToken(sim?.authUrl as string, ADMIN);
    const flavors = await fetch(`${url}/v1/flavors`, { headers: { 'x-auth-token': token } });
    expect(flavors.status).toBe(200);
    const list = (await flavors.json()) as { name: string }[];
    expect(list.map((f) => f.name)).toEqual(expect.arrayContaining(['m1.small']));
  });

  it('stops cleanly on SIGTERM', async () => {
    await api?.stop();
    expect({ code: api?.child.exitCode, signal: api?.child.signalCode, output: api?.output() }).toEqual(
      expect.objectContaining({ code: 0, signal: null }),
    );
  });
});
