import { startSimulator, type RunningSimulator, type SimServerInfo, type SimulatorOptions } from '@peak/openstack-sim';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, startApiProcess, type ApiProcess } from '@peak/testing';
import { ADMIN, keystoneToken } from '../src/testing/keystone-token';
import { simulatorEnv } from '../src/testing/simulator-env';

const OWNER_TAG = 'peak-scheduler';
const SLOT_KEY = 'peak-scheduler:slot';
const SERVERS = '/compute/v2.1/servers';

interface Schedule {
  id: string;
  name: string;
  count: number;
  startAt: Date;
  endAt: Date;
}

interface RunItem {
  id: string;
  state: string;
  readyAt: string | null;
  vms: { slot: number; serverId: string | null; member: { state: string; memberId: string | null; address: string | null } | null }[];
}

/** Every server of ours the simulator ever listed: the first and the latest view of each. */
interface Seen {
  first: SimServerInfo;
  last: SimServerInfo;
}

/**
 * Engine safety as operators meet it: two installations sharing one cloud project, and a leader killed over and
 * over while windows open and close. Built API processes, the simulator over HTTP, real PostgreSQL.
 */
describe('engine safety, as real processes', () => {
  const processes: ApiProcess[] = [];
  const simulators: RunningSimulator[] = [];
  const databases: { drop(): Promise<void> }[] = [];

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill();
    for (const s of simulators.splice(0)) await s.close();
    for (const d of databases.splice(0)) await d.drop();
  });

  async function database(prefix: string): Promise<string> {
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    const db = await createTestDatabase({ adminUrl, embedded: false }, prefix);
    databases.push(db);
    return db.url;
  }

  async function simulator(options: SimulatorOptions): Promise<Cloud> {
    const sim = await startSimulator({ port: 0, requestLogLimit: 200_000, ...options });
    simulators.push(sim);
    const cloud = new Cloud(sim);
    await cloud.init();
    return cloud;
  }

  async function start(env: Record<string, string>): Promise<ApiProcess> {
    const p = await startApiProcess(env);
    processes.push(p);
    return p;
  }

  it('two installations against one simulator: each sees, keeps and ends only its own VMs', async () => {
    const cloud = await simulator({ buildDelayMs: 1000, deleteDelayMs: 200 });
    const sim = cloud.sim;
    const env = (databaseUrl: string) => ({
      ...cloud.env(databaseUrl),
      ENGINE_LEASE_TTL_MS: '2000',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_SAFETY_INTERVAL_MS: '500',
      ENGINE_CHANGE_POLL_MS: '250',
    });
    const nA = 4;
    const nB = 3;

    // Installation A, with its window live and its VMs ACTIVE.
    const a = await start(env(await database('safety_a')));
    const idA = await installationId(cloud, a);
    const scheduleA = await cloud.createSchedule(a.url, 'installation-a', nA, 2000, 45_000);
    const tagA = `peak-installation:${idA}`;
    await until(async () => (await live(sim, tagA)).filter((s) => s.status === 'ACTIVE').length === nA, `A's ${nA} VMs ACTIVE`);
    const serversA = await live(sim, tagA);
    const idsA = serversA.map((s) => s.id).sort();

    // Installation B: an empty database of its own, the same cloud and credentials.
    const b = await start(env(await database('safety_b')));
    const idB = await installationId(cloud, b);
    expect(idB).not.toBe(idA);
    const tagB = `peak-installation:${idB}`;
    const scheduleB = await cloud.createSchedule(b.url, 'installation-b', nB, 2000, 12_000);
    await until(async () => (await live(sim, tagB)).filter((s) => s.status === 'ACTIVE').length === nB, `B's ${nB} VMs ACTIVE`);

    // Several more passes of B: its own pass record moves on, and the cloud sees more server listings.
    const passes = new Set<string>();
    const listsBefore = (await sim.control.requests({ method: 'GET', path: `${SERVERS}/detail` })).length;
    await until(async () => {
      const at = (await engineHealth(cloud, b)).lastPassAt;
      if (at) passes.add(at);
      const lists = (await sim.control.requests({ method: 'GET', path: `${SERVERS}/detail` })).length;
      return passes.size >= 6 && lists - listsBefore >= 6;
    }, 'several passes of B with its VMs up');
    if (Date.now() > scheduleA.endAt.getTime() - 1000) throw new Error("A's window ended before B's passes were observed: lengthen it");

    // Every VM of A is still there, untouched; each installation's VMs carry its own tags only.
    const stillA = await live(sim, tagA);
    expect(stillA.map((s) => s.id).sort()).toEqual(idsA);
    for (const s of stillA) {
      expect(s.tags).toEqual(expect.arrayContaining([OWNER_TAG, tagA, `peak-schedule:${scheduleA.id}`]));
      expect(s.tags).not.toContain(tagB);
    }
    const serversB = await live(sim, tagB);
    expect(serversB).toHaveLength(nB);
    for (const s of serversB) {
      expect(s.tags).toEqual(expect.arrayContaining([OWNER_TAG, tagB, `peak-schedule:${scheduleB.id}`]));
      expect(s.tags).not.toContain(tagA);
    }
    expect(slotsOf(serversB)).toEqual(range(nB));
    expect(slotsOf(stillA)).toEqual(range(nA));
    const everyOwned = await sim.control.servers({ tag: OWNER_TAG });
    expect(everyOwned).toHaveLength(nA + nB);

    // B ends its window (while A's is still live): A's VMs stay.
    await until(
      async () => (await sim.control.servers({ tag: tagB })).length === 0,
      "B's teardown",
      scheduleB.endAt.getTime() - Date.now() + 30_000,
    );
    await until(async () => (await runsOf(cloud, b, scheduleB.id))[0]?.state === 'completed', "B's run completed");
    expect((await live(sim, tagA)).map((s) => s.id).sort()).toEqual(idsA);
    const deletesOfA = async () => {
      const deletes = await sim.control.requests({ method: 'DELETE', path: `${SERVERS}/*` });
      return deletes.filter((r) => idsA.includes(r.path.slice(`${SERVERS}/`.length)));
    };
    expect(await deletesOfA()).toEqual([]); // nobody (so not B) asked to delete A's VMs before A's window ended

    // A ends its own window; B keeps passing meanwhile.
    await until(
      async () => (await sim.control.servers({ tag: OWNER_TAG })).length === 0,
      "A's teardown",
      scheduleA.endAt.getTime() - Date.now() + 30_000,
    );
    await until(async () => (await runsOf(cloud, a, scheduleA.id))[0]?.state === 'completed', "A's run completed");
    // Each of A's VMs was deleted once, and only after A's window ended: by A, never by B.
    const deletes = await deletesOfA();
    expect(deletes.map((r) => r.path.slice(`${SERVERS}/`.length)).sort()).toEqual(idsA);
    expect(deletes.every((r) => r.receivedAt >= scheduleA.endAt.getTime())).toBe(true);
    expect((await runsOf(cloud, a, scheduleA.id)).map((r) => r.state)).toEqual(['completed']);
    expect((await runsOf(cloud, b, scheduleB.id)).map((r) => r.state)).toEqual(['completed']);
  });

  it('kill-loop: a leader SIGKILLed 20 times at random instants makes each window exactly, and leaks nothing', async () => {
    const iterations = 20;
    const schedulesCount = 4;
    const n = 4;
    const seed = Number(process.env['PEAK_KILL_SEED'] ?? Date.now() % 2 ** 31);
    console.log(`kill-loop seed ${seed} (rerun with PEAK_KILL_SEED=${seed})`);
    const random = mulberry32(seed);

    const cloud = await simulator({
      buildDelayMs: 1500,
      deleteDelayMs: 300,
      latency: [
        { service: 'compute', method: 'POST', path: SERVERS, delayMs: 200, jitterMs: 200 },
        { service: 'compute', method: 'DELETE', path: `${SERVERS}/*`, delayMs: 200, jitterMs: 200 },
      ],
    });
    const sim = cloud.sim;
    const env = {
      ...cloud.env(await database('safety_kill')),
      ENGINE_LEASE_TTL_MS: '1500',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_CONCURRENCY: '2',
      ENGINE_CREATE_GRACE_MS: '3000',
    };
    const testStart = Date.now();

    // Every server of ours, as the simulator lists it every ~200 ms (deleted servers disappear from its list).
    const seen = new Map<string, Seen>();
    let recording = true;
    const recorder = (async () => {
      while (recording) {
        try {
          for (const s of await sim.control.servers({ tag: OWNER_TAG })) {
            const known = seen.get(s.id);
            seen.set(s.id, { first: known?.first ?? s, last: s });
          }
        } catch {
          // the simulator is busy; the next look catches up
        }
        await sleep(200);
      }
    })();

    // The schedules, created through a first process that is killed like the others. Windows are staggered over
    // the loop (~75 s): starts 13 s apart from 5 s after the test's start, each 18 s long (so consecutive ones overlap).
    const first = await start(env);
    const schedules: Schedule[] = [];
    for (let i = 0; i < schedulesCount; i++) {
      const startIn = testStart + 5000 + i * 13_000 - Date.now();
      schedules.push(await cloud.createSchedule(first.url, `kill-loop-${i}`, n, startIn, 18_000));
    }
    await first.kill();

    const kills: { upAt: number; killedAt: number; waitMs: number }[] = [];
    for (let i = 0; i < iterations; i++) {
      const p = await start(env);
      const upAt = Date.now();
      const waitMs = Math.round(500 + random() * 3500);
      await sleep(waitMs);
      await p.kill();
      kills.push({ upAt, killedAt: Date.now(), waitMs });
    }

    // A final process finishes the job: every window ends, no VM of ours is left, every run is final.
    const last = await start(env);
    const lastEnd = Math.max(...schedules.map((s) => s.endAt.getTime()));
    const finished = await poll(
      async () => {
        if ((await sim.control.servers({ tag: OWNER_TAG })).length > 0) return false;
        for (const s of schedules) {
          const runs = await runsOf(cloud, last, s.id);
          if (runs.length === 0 || runs.some((r) => !['completed', 'partial', 'failed', 'missed'].includes(r.state))) return false;
        }
        return true;
      },
      Math.max(0, lastEnd - Date.now()) + 45_000,
    );
    await sleep(400); // one more look by the recorder
    recording = false;
    await recorder;

    // What the simulator saw.
    const createRequests = await sim.control.requests({ method: 'POST', path: SERVERS });
    const deleteRequests = await sim.control.requests({ method: 'DELETE', path: `${SERVERS}/*` });
    const accepted = createRequests.filter((r) => r.status === 202).length;
    // Requests whose caller was killed before the answer (the simulator records status 0, or none yet).
    const cut = (requests: { status: number | null }[]) => requests.filter((r) => r.status === 0 || r.status === null).length;
    const left = await sim.control.servers({ tag: OWNER_TAG });
    const servers = [...seen.values()];
    const unseen = new Set(deleteRequests.map((r) => r.path.slice(`${SERVERS}/`.length)).filter((id) => !seen.has(id)));
    const bySlot = new Map<string, number>();
    for (const { first: s } of servers) {
      const key = `${runTag(s)}#${s.metadata[SLOT_KEY]}`;
      bySlot.set(key, (bySlot.get(key) ?? 0) + 1);
    }
    const duplicates = [...bySlot.values()].reduce((sum, c) => sum + c - 1, 0);
    const perWindow = schedules.map((s) => {
      const mine = servers.filter(({ first: f }) => f.tags.includes(`peak-schedule:${s.id}`)).map((x) => x.first);
      return { schedule: s, servers: mine, runs: new Set(mine.map(runTag)), slots: slotsOf(mine) };
    });
    const runStates = await Promise.all(schedules.map(async (s) => (await runsOf(cloud, last, s.id)).map((r) => r.state)));

    console.log(
      [
        `kill-loop summary: seed ${seed}, iterations ${iterations}, creates sent ${createRequests.length} (accepted ${accepted}),` +
          ` servers made ${servers.length + unseen.size} (seen ${servers.length}, deleted unseen ${unseen.size}),` +
          ` deletes sent ${deleteRequests.length}, creates/deletes cut by a kill ${cut(createRequests)}/${cut(deleteRequests)},` +
          ` duplicates ${duplicates}, leaks ${left.length}, finished ${finished}`,
        ...perWindow.map(
          (w, i) =>
            `  window ${i} [${((w.schedule.startAt.getTime() - testStart) / 1000).toFixed(0)}s..${((w.schedule.endAt.getTime() - testStart) / 1000).toFixed(0)}s]` +
            ` slots ${JSON.stringify(w.slots)} servers ${w.servers.length} runs ${w.runs.size} states ${JSON.stringify(runStates[i])}`,
        ),
        ...(duplicates > 0
          ? [...bySlot.entries()]
              .filter(([, c]) => c > 1)
              .map(([key, c]) => {
                const made = servers
                  .filter(({ first: f }) => `${runTag(f)}#${f.metadata[SLOT_KEY]}` === key)
                  .map(
                    ({ first: f, last: l }) =>
                      `${f.id} created ${rel(f.createdAt, testStart)} deleteRequested ${rel(l.deleteRequestedAt, testStart)}`,
                  );
                return `  duplicate ${key} x${c}: ${made.join('; ')}`;
              })
          : []),
        ...kills.map((k, i) => {
          // The creates and deletes this process sent that never got their answer.
          const lost = [...createRequests, ...deleteRequests]
            .filter((r) => (r.status === 0 || r.status === null) && r.receivedAt >= k.upAt && r.receivedAt <= k.killedAt)
            .map((r) => `${r.method} ${r.path.slice(SERVERS.length) || '/'} at ${((r.receivedAt - testStart) / 1000).toFixed(2)}s`);
          return (
            `  #${i + 1} up ${((k.upAt - testStart) / 1000).toFixed(1)}s, killed ${((k.killedAt - testStart) / 1000).toFixed(1)}s` +
            ` (after ${k.waitMs} ms)${lost.length > 0 ? `, cut: ${lost.join(', ')}` : ''}`
          );
        }),
      ].join('\n'),
    );

    expect(left).toHaveLength(0); // leaks
    expect(finished).toBe(true);
    for (const [i, w] of perWindow.entries()) {
      expect({ window: i, slots: w.slots, runs: w.runs.size }).toEqual({ window: i, slots: range(n), runs: 1 });
      // Made within its window, never before it.
      for (const s of w.servers) {
        expect(Date.parse(s.createdAt)).toBeGreaterThanOrEqual(w.schedule.startAt.getTime());
        expect(Date.parse(s.createdAt)).toBeLessThan(w.schedule.endAt.getTime());
      }
      expect(runStates[i]).toEqual([expect.stringMatching(/^(completed|partial)$/)]);
    }
    expect(unseen.size).toBe(0);
    expect(duplicates).toBe(0);
  });

  it('load balancer: an API SIGKILLed after Octavia made its members but before it heard so leaves no orphan member', async () => {
    const cloud = await simulator({
      buildDelayMs: 500,
      deleteDelayMs: 200,
      loadBalancerUpdateDelayMs: 200,
      memberOnlineDelayMs: 300,
      seed: { loadBalancers: [{ name: 'peak-lb', project: 'admin', network: 'private', pools: [{ name: 'web' }] }] },
    });
    const sim = cloud.sim;
    const poolId = (await sim.control.loadBalancers()).flatMap((lb) => lb.pools).find((p) => p.name === 'web')?.id as string;
    const membersPath = `/load-balancer/v2/lbaas/pools/${poolId}/members`;
    const members = async () => (await sim.control.loadBalancers()).flatMap((lb) => lb.pools).find((p) => p.id === poolId)?.members ?? [];
    const env = {
      ...cloud.env(await database('safety_pool')),
      ENGINE_LEASE_TTL_MS: '2000',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_SAFETY_INTERVAL_MS: '500',
      ENGINE_CHANGE_POLL_MS: '250',
    };
    const n = 2;
    // Octavia applies the members' batch at once but its answer is held for a minute: the API never hears back.
    await sim.control.setLatency([{ service: 'load-balancer', method: 'PUT', path: membersPath, delayMs: 60_000, phase: 'response' }]);

    const a = await start(env);
    const schedule = await cloud.createSchedule(a.url, 'pooled', n, 2000, 30_000, {
      launch: { loadBalancer: { poolId, protocolPort: 8080, drainSeconds: 1 } },
    });
    // The batch holds the VMs ACTIVE in that pass: usually all, one on a busy machine; the pass waits for its answer.
    await until(async () => (await members()).length > 0, 'Octavia lists members');
    const made = (await members()).map((m) => m.id).sort();
    const [batch] = await sim.control.requests({ method: 'PUT', path: membersPath });
    expect(batch?.status).toBeNull(); // unanswered: no process has heard of these members
    const [before] = await runsOf(cloud, a, schedule.id);
    expect(before?.vms.map((vm) => vm.member?.memberId ?? null)).toEqual(Array.from({ length: n }, () => null));
    await a.kill();
    await sim.control.setLatency([]);
    const killedAt = Date.now();

    // The next process finds the members by their tags and keeps them: none twice, none left behind.
    const b = await start(env);
    await until(async () => {
      const [run] = await runsOf(cloud, b, schedule.id);
      return run?.state === 'active' && run.vms.every((vm) => vm.member?.state === 'online');
    }, 'the run serving, every VM an ONLINE member');
    const [serving] = await runsOf(cloud, b, schedule.id);
    // Those made before the kill kept (by id), the others joined after it; one member per VM, at its address.
    const ids = (serving?.vms ?? []).map((vm) => vm.member?.memberId as string).sort();
    expect(ids).toEqual(expect.arrayContaining(made));
    const servers = await live(sim, OWNER_TAG);
    const listed = await members();
    expect(listed.map((m) => m.id).sort()).toEqual(ids);
    const memberOf = new Map(servers.map((s) => [s.id, listed.find((m) => Object.values(s.addresses).flat().includes(m.address))?.id]));
    expect([...memberOf.values()].sort()).toEqual(ids);
    // No member sent again: one batch for those missing, none when the first batch had them all.
    expect((await sim.control.requests({ method: 'POST', path: membersPath })).length).toBe(0);
    const joinsAfter = (await sim.control.requests({ method: 'PUT', path: membersPath })).filter((r) => r.receivedAt >= killedAt);
    expect(joinsAfter.length).toBe(made.length === n ? 0 : 1);

    // At the window's end: each member goes before its VM, and nothing is left.
    await until(
      async () => (await runsOf(cloud, b, schedule.id))[0]?.state === 'completed',
      'the run completed',
      schedule.endAt.getTime() - Date.now() + 30_000,
    );
    expect(await members()).toEqual([]);
    expect(await sim.control.servers({ tag: OWNER_TAG })).toEqual([]);
    const deleted = async (path: string) =>
      new Map((await sim.control.requests({ method: 'DELETE', path })).map((r) => [r.path.split('/').pop(), r.receivedAt]));
    const memberDeletes = await deleted(`${membersPath}/*`);
    const serverDeletes = await deleted(`${SERVERS}/*`);
    expect([...memberDeletes.keys()].sort()).toEqual(ids);
    expect([...serverDeletes.keys()].sort()).toEqual(servers.map((s) => s.id).sort());
    for (const [serverId, memberId] of memberOf) {
      expect(serverDeletes.get(serverId)).toBeGreaterThan(memberDeletes.get(memberId as string) as number);
    }
  });

  it('webhooks: an API SIGKILLed while it sends peak.run.ready loses no event and sends that one again once, with its id', async () => {
    const cloud = await simulator({ buildDelayMs: 300, deleteDelayMs: 100 });
    const env = {
      ...cloud.env(await database('safety_hooks')),
      ENGINE_LEASE_TTL_MS: '2000',
      ENGINE_LEASE_RENEW_MS: '300',
      ENGINE_POLL_INTERVAL_MS: '250',
      ENGINE_SAFETY_INTERVAL_MS: '500',
      ENGINE_CHANGE_POLL_MS: '250',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_DISPATCH_INTERVAL_MS: '100',
      WEBHOOK_RETRY_BASE_MS: '200',
    };
    // The receiver answers 200, except the first peak.run.ready: that request is held, unanswered, until the API is dead.
    const received: { id: string; type: string }[] = [];
    let held: ServerResponse | undefined;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; type: string };
        expect(req.headers['webhook-id']).toBe(event.id);
        received.push({ id: event.id, type: event.type });
        if (event.type === 'peak.run.ready' && !held) held = res;
        else res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const a = await start(env);
      const hook = await cloud.request('POST', `${a.url}/v1/webhooks`, {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      });
      expect(hook.status).toBe(201);
      const schedule = await cloud.createSchedule(a.url, 'hooked', 1, 1000, 8000);
      await until(() => Promise.resolve(held !== undefined), 'peak.run.ready sent and held');
      // Killed between the POST and its record: the delivery is still pending in the database.
      await a.kill();
      held?.end();

      const b = await start(env);
      await until(
        () => Promise.resolve(received.some((r) => r.type === 'peak.run.completed')),
        'peak.run.completed delivered after the restart',
        90_000,
      );
      const history = (await (await cloud.request('GET', `${b.url}/v1/schedules/${schedule.id}/events?limit=100`)).json()) as {
        items: { id: string; type: string }[];
      };
      const announced = history.items.reverse();
      expect(announced.map((e) => e.type)).toEqual([
        'peak.schedule.created',
        'peak.run.provisioning',
        'peak.run.ready',
        'peak.run.completed',
      ]);
      // None lost, in order: each event's first arrival follows the one before it; the held one came twice, every other once.
      const firstArrivals = [...new Set(received.map((r) => r.id))];
      expect(firstArrivals).toEqual(announced.map((e) => e.id));
      const times = (id: string) => received.filter((r) => r.id === id).length;
      expect(announced.map((e) => [e.type, times(e.id)])).toEqual([
        ['peak.schedule.created', 1],
        ['peak.run.provisioning', 1],
        ['peak.run.ready', 2],
        ['peak.run.completed', 1],
      ]);
    } finally {
      held?.end();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

/** The simulator and what a test needs of it: an admin token, a bootable image, flavor and network, the API's env. */
class Cloud {
  private token?: string;
  bootable!: { imageId: string; flavorId: string; networkIds: string[] };

  constructor(readonly sim: RunningSimulator) {}

  async init(): Promise<void> {
    const images = (await (await this.request('GET', `${this.sim.url}/image/v2/images`)).json()) as {
      images: { id: string; name: string }[];
    };
    const flavors = (await (await this.request('GET', `${this.sim.url}/compute/v2.1/flavors`)).json()) as {
      flavors: { id: string; name: string }[];
    };
    const networks = (await (await this.request('GET', `${this.sim.url}/network/v2.0/networks`)).json()) as {
      networks: { id: string; name: string }[];
    };
    this.bootable = {
      imageId: images.images.find((i) => i.name.startsWith('cirros'))?.id as string,
      flavorId: flavors.flavors.find((f) => f.name === 'm1.small')?.id as string,
      networkIds: [networks.networks.find((n) => n.name === 'private')?.id as string],
    };
    // Setup calls are not the engine's: keep them out of the request log.
    await this.sim.control.clearRequests();
  }

  env(databaseUrl: string): Record<string, string> {
    return {
      DATABASE_URL: databaseUrl,
      ...simulatorEnv(this.sim),
      FLAVOR_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
    };
  }

  async request(method: string, url: string, body?: unknown): Promise<Response> {
    this.token ??= await this.adminToken();
    return fetch(url, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': this.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** A one-off window starting `startInMs` from now (rounded up to a whole second), `durationMs` long; `extra` fields added. */
  async createSchedule(
    base: string,
    name: string,
    count: number,
    startInMs: number,
    durationMs: number,
    extra: Record<string, unknown> = {},
  ): Promise<Schedule> {
    const startAt = new Date(Math.ceil((Date.now() + startInMs) / 1000) * 1000);
    const endAt = new Date(startAt.getTime() + durationMs);
    const res = await this.request('POST', `${base}/v1/schedules`, {
      name,
      ...this.bootable,
      instanceCount: count,
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
      ...extra,
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    return { id: ((await res.json()) as { id: string }).id, name, count, startAt, endAt };
  }

  private async adminToken(): Promise<string> {
    return (await keystoneToken(this.sim.authUrl, ADMIN)).token;
  }
}

interface EngineHealth {
  installationId: string;
  role: string;
  lastPassAt?: string;
}

/** The engine part of readiness, with its detail (installation, last pass): what a cloud admin's token sees. */
async function engineHealth(cloud: Cloud, p: ApiProcess): Promise<EngineHealth> {
  const res = await cloud.request('GET', `${p.url}/readyz`);
  const body = (await res.json()) as { details?: { engine?: EngineHealth } };
  const engine = body.details?.engine;
  if (!engine) throw new Error(`no engine in /v1/health/ready: ${res.status} ${JSON.stringify(body)}`);
  return engine;
}

async function installationId(cloud: Cloud, p: ApiProcess): Promise<string> {
  const id = (await engineHealth(cloud, p)).installationId;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id;
}

async function runsOf(cloud: Cloud, p: ApiProcess, scheduleId: string): Promise<RunItem[]> {
  const res = await cloud.request('GET', `${p.url}/v1/schedules/${scheduleId}/runs`);
  if (res.status !== 200) throw new Error(`runs of ${scheduleId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { items: RunItem[] }).items;
}

/** Servers with `tag` that are not being deleted. */
async function live(sim: RunningSimulator, tag: string): Promise<SimServerInfo[]> {
  return (await sim.control.servers({ tag })).filter((s) => !s.deleting);
}

function slotsOf(servers: SimServerInfo[]): number[] {
  return [...new Set(servers.map((s) => Number(s.metadata[SLOT_KEY])))].sort((x, y) => x - y);
}

function runTag(s: SimServerInfo): string {
  return s.tags.find((t) => t.startsWith('peak-run:')) ?? '(no run tag)';
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function rel(iso: string | null, origin: number): string {
  return iso === null ? '-' : `${((Date.parse(iso) - origin) / 1000).toFixed(2)}s`;
}

/** Polls `condition` until it holds (true) or the deadline passes (false). */
async function poll(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  if (!(await poll(condition, timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

/** A small seeded generator, so a failing kill schedule can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
