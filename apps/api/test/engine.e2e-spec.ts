import { startSimulator, type RunningSimulator, type SimServerInfo } from '@peak/openstack-sim';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, startApiProcess, withClient, type ApiProcess } from '@peak/testing';
import { ADMIN, keystoneToken } from '../src/testing/keystone-token';
import { simulatorEnv } from '../src/testing/simulator-env';

const OWNER_TAG = 'peak-scheduler';

/**
 * The engine as operators run it: built API processes, killed with SIGKILL mid-provisioning, restarted,
 * and two replicas on one database, against the simulator and real PostgreSQL.
 */
describe('engine, as real processes', () => {
  let sim: RunningSimulator;
  let db: { url: string; drop(): Promise<void> };
  const processes: ApiProcess[] = [];
  let env: Record<string, string>;
  let bootable: { imageId: string; flavorId: string; networkIds: string[] };

  beforeAll(async () => {
    // A slow cloud: each create takes 300 ms to answer and 1.5 s to build, so a kill lands mid-provisioning.
    sim = await startSimulator({
      port: 0,
      buildDelayMs: 1500,
      deleteDelayMs: 200,
      latency: [{ service: 'compute', method: 'POST', path: '/compute/v2.1/servers', delayMs: 300 }],
    });
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    db = await createTestDatabase({ adminUrl, embedded: false }, 'engine_e2e');
    env = {
      DATABASE_URL: db.url,
      ...simulatorEnv(sim),
      FLAVOR_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
      ENGINE_LEASE_TTL_MS: '2000',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_CONCURRENCY: '2',
      ENGINE_CREATE_GRACE_MS: '3000',
    };
    const images = (await (await api('GET', `${sim.url}/image/v2/images`)).json()) as { images: { id: string; name: string }[] };
    const flavors = (await (await api('GET', `${sim.url}/compute/v2.1/flavors`)).json()) as { flavors: { id: string; name: string }[] };
    const networks = (await (await api('GET', `${sim.url}/network/v2.0/networks`)).json()) as { networks: { id: string; name: string }[] };
    bootable = {
      imageId: images.images.find((i) => i.name.startsWith('cirros'))?.id as string,
      flavorId: flavors.flavors.find((f) => f.name === 'm1.small')?.id as string,
      networkIds: [networks.networks.find((n) => n.name === 'private')?.id as string],
    };
  });

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill();
    await sim.control.reset({ keepTokens: true });
  });

  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  let token: string | undefined;
  async function api(method: string, url: string, body?: unknown): Promise<Response> {
    token ??= await adminToken();
    return fetch(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function adminToken(): Promise<string> {
    return (await keystoneToken(sim.authUrl, ADMIN)).token;
  }

  async function start(): Promise<ApiProcess> {
    const p = await startApiProcess(env);
    processes.push(p);
    return p;
  }

  async function createSchedule(base: string, name: string, count: number, startInMs: number, durationMs: number) {
    const startAt = new Date(Math.ceil((Date.now() + startInMs) / 1000) * 1000);
    const res = await api('POST', `${base}/v1/schedules`, {
      name,
      ...bootable,
      instanceCount: count,
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + durationMs).toISOString() },
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return { ...((await res.json()) as { id: string }), startAt, endAt: new Date(startAt.getTime() + durationMs) };
  }

  const owned = async (): Promise<SimServerInfo[]> => (await sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
  const creates = async () => sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });

  async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  it('a SIGKILL in the middle of provisioning leaves exactly N VMs after a restart, and none after the end', async () => {
    const n = 8;
    const first = await start();
    const schedule = await createSchedule(first.url, 'kill-test', n, 3000, 25_000);

    await until(async () => (await creates()).length >= 3, 'provisioning under way');
    await first.kill();
    const sentBeforeKill = (await creates()).length;
    expect(sentBeforeKill).toBeLessThan(n); // the kill really interrupted provisioning

    const second = await start();
    await until(async () => (await owned()).filter((s) => s.status === 'ACTIVE').length === n, `${n} ACTIVE`);
    await sleep(1000); // a few more passes: nothing may be added
    const servers = await owned();
    expect(servers).toHaveLength(n);
    const slots = servers.map((s) => Number(s.metadata['peak-scheduler:slot'])).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(servers.every((s) => s.tags.includes(`peak-schedule:${schedule.id}`))).toBe(true);

    await until(
      async () => (await sim.control.servers({ tag: OWNER_TAG })).length === 0,
      'teardown after the end',
      schedule.endAt.getTime() - Date.now() + 30_000,
    );
    const runs = (await (await api('GET', `${second.url}/v1/schedules/${schedule.id}/runs`)).json()) as { items: { state: string }[] };
    await until(async () => {
      const r = (await (await api('GET', `${second.url}/v1/schedules/${schedule.id}/runs`)).json()) as { items: { state: string }[] };
      return r.items[0]?.state === 'completed';
    }, 'run completed');
    expect(runs.items).toHaveLength(1);
  });

  it('two replicas on one database create the VMs once, and the survivor finishes the job when the leader is killed', async () => {
    const n = 4;
    const a = await start();
    const b = await start();
    const schedule = await createSchedule(a.url, 'two-replicas', n, 3000, 15_000);

    await until(async () => (await owned()).filter((s) => s.status === 'ACTIVE').length === n, `${n} ACTIVE`);
    expect(await creates()).toHaveLength(n); // one leader acted: no duplicate create

    // Kill whichever replica leads (its pid is in the lease); the other takes over once the lease expires.
    const holder = await withClient(
      db.url,
      async (c) => (await c.query<{ holder: string }>('SELECT holder FROM engine_lease')).rows[0]?.holder,
    );
    const leader = [a, b].find((p) => holder?.split(':')[1] === String(p.child.pid));
    if (!leader) throw new Error(`no replica holds the lease (${holder})`);
    await leader.kill();
    const survivor = leader === a ? b : a;
    await until(
      async () => (await sim.control.servers({ tag: OWNER_TAG })).length === 0,
      'teardown by the survivor',
      schedule.endAt.getTime() - Date.now() + 30_000,
    );
    expect(await creates()).toHaveLength(n);
    const runs = (await (await api('GET', `${survivor.url}/v1/schedules/${schedule.id}/runs`)).json()) as { items: { state: string }[] };
    expect(runs.items.map((r) => r.state)).toEqual([expect.stringMatching(/tearing-down|completed/)]);
  });

  it('dispatches the creates of a window at its planned instant, never before it', async () => {
    const p = await start();
    const schedules = await Promise.all(Array.from({ length: 5 }, (_, i) => createSchedule(p.url, `dispatch-${i}`, 1, 4000, 5000)));
    const startAt = schedules[0]?.startAt.getTime() as number;
    expect(schedules.every((s) => s.startAt.getTime() === startAt)).toBe(true);
    await until(async () => (await creates()).length === 5, '5 creates');
    const delays = (await creates()).map((r) => r.receivedAt - startAt).sort((x, y) => x - y);
    // Reported, not asserted as a speed target: the benchmark measures precision; here only "never early".
    console.log(
      `dispatch delay (ms) from the planned instant to the simulator receiving POST /servers: ${delays.map((d) => d.toFixed(0)).join(', ')}`,
    );
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    await until(async () => (await sim.control.servers({ tag: OWNER_TAG })).length === 0, 'teardown', 40_000);
  });
});
