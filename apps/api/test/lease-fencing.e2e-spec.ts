import { startSimulator, type RunningSimulator } from '@peak/openstack-sim';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, startApiProcess, withClient, type ApiProcess } from '@peak/testing';
import { ADMIN, keystoneToken } from '../src/testing/keystone-token';
import { simulatorEnv } from '../src/testing/simulator-env';

/**
 * Fencing, as real processes: a leader whose lease is taken from it in the middle of provisioning sends nothing more
 * to Nova, and when it gets the lease back it finishes the window without a duplicate.
 */
describe('engine lease fencing', () => {
  let sim: RunningSimulator;
  let db: { url: string; drop(): Promise<void> };
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    // Creates take 800 ms to answer, two at a time: when the lease is stolen, both workers are inside a create.
    sim = await startSimulator({
      port: 0,
      buildDelayMs: 300,
      deleteDelayMs: 100,
      latency: [{ service: 'compute', method: 'POST', path: '/compute/v2.1/servers', delayMs: 800 }],
    });
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    db = await createTestDatabase({ adminUrl, embedded: false }, 'lease_fencing_e2e');
  });

  afterAll(async () => {
    await api?.kill();
    await sim?.close();
    await db?.drop();
  });

  const sql = <T>(text: string) => withClient(db.url, async (c) => (await c.query(text)).rows as T[]);

  async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  it('sends no Nova call once its lease is taken mid-pass, and finishes without duplicates when it is back', async () => {
    api = await startApiProcess({
      DATABASE_URL: db.url,
      ...simulatorEnv(sim),
      FLAVOR_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
      ENGINE_LEASE_TTL_MS: '3000',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_CONCURRENCY: '2',
    });
    const token = await adminToken();
    const call = (method: string, url: string, body?: unknown) =>
      fetch(url, {
        method,
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const image = (
      (await (await call('GET', `${sim.url}/image/v2/images`)).json()) as { images: { id: string; name: string }[] }
    ).images.find((i) => i.name.startsWith('cirros'));
    const flavor = (
      (await (await call('GET', `${sim.url}/compute/v2.1/flavors`)).json()) as { flavors: { id: string; name: string }[] }
    ).flavors.find((f) => f.name === 'm1.small');
    const network = (
      (await (await call('GET', `${sim.url}/network/v2.0/networks`)).json()) as { networks: { id: string; name: string }[] }
    ).networks.find((n) => n.name === 'private');
    const startAt = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    const endAt = new Date(startAt.getTime() + 120_000);
    const created = await call('POST', `${api.url}/v1/schedules`, {
      name: 'fenced',
      imageId: image?.id,
      flavorId: flavor?.id,
      networkIds: [network?.id],
      instanceCount: 8,
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    expect(created.status).toBe(201);
    const schedule = (await created.json()) as { id: string };

    const posts = () => sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });
    // Both workers just sent a create (Nova holds each for 800 ms): nobody is between a confirmation and a call.
    await until(async () => {
      const inFlight = (await posts()).filter((r) => r.status === null);
      return inFlight.length === 2 && inFlight.every((r) => Date.now() - r.receivedAt < 300);
    }, 'two creates in flight');
    const [before] = await sql<{ epoch: string }>(`SELECT epoch FROM engine_lease`);
    await sql(`UPDATE engine_lease SET holder = 'thief', epoch = epoch + 1, expires_at = now() + interval '1 hour'`);
    const stolenAt = Date.now();

    await until(
      async () =>
        ((await (await fetch(`${api?.url}/v1/health/ready`)).json()) as { details: { engine: { role: string } } }).details.engine.role ===
        'follower',
      'the old leader steps down',
    );
    await until(async () => (await posts()).every((r) => r.status !== null), 'the creates in flight answered');
    await sleep(1500); // passes and renewals would have gone out by now: the log must stay empty of new calls
    // The readiness probe polled above reads the quota (GET /limits) for the test: that is the API, not the engine.
    const after = (await sim.control.requests({ service: 'compute' })).filter(
      (r) => r.receivedAt >= stolenAt && r.path !== '/compute/v2.1/limits',
    );
    expect(after.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const sentBefore = (await posts()).length;
    expect(sentBefore).toBeLessThan(8);

    // The thief goes away: the replica takes the lease back under a new epoch and completes the window, once.
    await sql(`UPDATE engine_lease SET expires_at = now() - interval '1 second'`);
    await until(
      async () => (await sim.control.servers({ tag: 'peak-scheduler' })).filter((s) => s.status === 'ACTIVE').length === 8,
      '8 ACTIVE',
    );
    const [back] = await sql<{ epoch: string }>(`SELECT epoch FROM engine_lease`);
    expect(Number(back?.epoch)).toBeGreaterThan(Number(before?.epoch) + 1);
    expect(await posts()).toHaveLength(8);
    const slots = (await sim.control.servers({ tag: 'peak-scheduler' }))
      .map((s) => Number(s.metadata['peak-scheduler:slot']))
      .sort((a, b) => a - b);
    expect(slots).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await call('DELETE', `${api.url}/v1/schedules/${schedule.id}`)).status).toBe(202);
    await until(async () => (await sim.control.servers({ tag: 'peak-scheduler' })).length === 0, 'the VMs removed after the delete');
  });

  async function adminToken(): Promise<string> {
    return (await keystoneToken(sim.authUrl, ADMIN)).token;
  }
});
