import { type Session, call, login, passwordAuth } from '../../testing/http';
import { stableUuid } from '../seed';
import { type RunningSimulator, startSimulator } from '../simulator';
import { ControlApi } from './control-api';
import { SimControl, SimControlRequestError } from './sim-control';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const PUBLIC = stableUuid('network', 'public');

describe(ControlApi.name, () => {
  let sim: RunningSimulator;
  let sut: SimControl;
  let admin: Session;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, buildDelayMs: 0, deleteDelayMs: 0 });
    sut = new SimControl(sim.url);
    admin = await login(sim.url);
  });

  afterAll(() => sim.close());

  afterEach(() => sut.reset());

  const createServer = (name: string, tags: string[] = []) =>
    admin.call('POST', '/compute/v2.1/servers', {
      microversion: '2.52',
      body: { server: { name, imageRef: CIRROS, flavorRef: '1', networks: [{ uuid: PUBLIC }], tags } },
    });

  const timed = async <T>(work: () => Promise<T>): Promise<number> => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };

  it('reports the endpoints and counts', async () => {
    const status = await sut.status();
    expect(status).toMatchObject({ url: sim.url, authUrl: sim.authUrl, endpoints: { compute: `${sim.url}/compute/v2.1` } });
    expect(status.counts).toMatchObject({ servers: 0, flavors: 5, images: 2, networks: 2 });
  });

  describe('config', () => {
    it('changes knobs and keeps the others', async () => {
      const config = await sut.configure({ buildDelayMs: 1234 });
      expect(config).toMatchObject({ buildDelayMs: 1234, deleteDelayMs: 0, tokenTtlSeconds: 3600 });
      expect((await sut.config()).buildDelayMs).toBe(1234);
    });

    it('refuses unknown or invalid settings with the reasons', async () => {
      const error = await sut.configure({ buildDelayMs: -1, nope: 1, policyDefaults: 'strict' } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SimControlRequestError);
      expect((error as SimControlRequestError).body?.problems).toEqual([
        "'buildDelayMs' must be a number >= 0",
        "unknown setting 'nope'",
        "'policyDefaults' must be 'new' or 'legacy'",
      ]);
    });
  });

  describe('latency', () => {
    it('delays matching calls only, rules adding up', async () => {
      await sut.setLatency([
        { service: 'compute', delayMs: 1500 },
        { path: '/compute/v2.1/flavors', delayMs: 1000 },
      ]);
      expect(await timed(() => admin.call('GET', '/compute/v2.1/servers'))).toBeGreaterThanOrEqual(1495);
      expect(await timed(() => admin.call('GET', '/compute/v2.1/flavors'))).toBeGreaterThanOrEqual(2495);
      // Delays long enough that a busy machine's scheduling noise cannot make an undelayed call look delayed.
      expect(await timed(() => admin.call('GET', '/image/v2/images'))).toBeLessThan(1490);
    }, 20_000);

    it('in the response phase, makes the change at once and holds only the answer', async () => {
      await sut.setLatency([{ service: 'compute', method: 'POST', path: '/compute/v2.1/servers', delayMs: 1500, phase: 'response' }]);
      const answered = createServer('held');
      // The server exists while its creator still waits for the answer.
      let seen: string[] = [];
      const deadline = Date.now() + 1400;
      while (seen.length === 0 && Date.now() < deadline) {
        seen = (await sut.servers({ name: 'held' })).map((s) => s.name);
      }
      expect(seen).toEqual(['held']);
      const [entry] = await sut.requests({ method: 'POST', path: '/compute/v2.1/servers' });
      expect(entry?.status).toBeNull(); // not answered yet
      expect((await answered).status).toBe(202);
      expect((await sut.requests({ method: 'POST', path: '/compute/v2.1/servers' }))[0]?.durationMs).toBeGreaterThanOrEqual(1495);
    }, 20_000);

    it('refuses an unknown phase', async () => {
      const error = await sut.setLatency([{ delayMs: 1, phase: 'later' } as never]).catch((e: unknown) => e);
      expect((error as SimControlRequestError).body?.problems).toEqual(["latency[0]: 'phase' must be 'request' or 'response'"]);
    });
  });

  describe('faults', () => {
    it('fails the next N matching calls, then recovers', async () => {
      const fault = await sut.failNext(2, { service: 'compute', method: 'POST', path: '/compute/v2.1/servers', status: 503 });
      expect(fault).toMatchObject({ count: 2, remaining: 2, hits: 0, id: expect.any(String) });
      expect((await admin.call('GET', '/compute/v2.1/servers')).status).toBe(200);
      expect((await createServer('a')).status).toBe(503);
      expect((await createServer('a')).status).toBe(503);
      expect((await createServer('a')).status).toBe(202);
      expect(await sut.faults()).toEqual([]);
      const log = await sut.requests({ method: 'POST', path: '/compute/v2.1/servers' });
      expect(log.map((e) => [e.status, e.faultId])).toEqual([
        [503, fault.id],
        [503, fault.id],
        [202, undefined],
      ]);
    });

    it('answers in the service’s own error format', async () => {
      await sut.failNext(1, { service: 'network', status: 500, message: 'oops' });
      expect((await admin.call('GET', '/network/v2.0/networks')).body).toEqual({
        NeutronError: { type: 'HTTPInternalServerError', message: 'oops', detail: '' },
      });
      await sut.failNext(1, { service: 'identity', status: 503 });
      const identity = await call(`${sim.url}/identity/v3`, 'GET');
      expect(identity.body.error).toMatchObject({ code: 503, title: 'Service Unavailable' });
    });

    it('drops connections during a time-boxed outage', async () => {
      await sut.outage(600, { service: 'compute', mode: 'drop' });
      await expect(admin.call('GET', '/compute/v2.1/servers')).rejects.toThrow('fetch failed');
      expect((await admin.call('GET', '/image/v2/images')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 650));
      expect((await admin.call('GET', '/compute/v2.1/servers')).status).toBe(200);
      const dropped = await sut.requests({ service: 'compute', status: 0 });
      expect(dropped).toHaveLength(1);
    });

    it('fails calls with a probability, reproducibly with a random seed', async () => {
      const outcomes = async () => {
        await sut.reset();
        await sut.configure({ randomSeed: 42 });
        await sut.addFault({ service: 'image', probability: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await admin.call('GET', '/image/v2/images')).status);
        return statuses;
      };
      const first = await outcomes();
      expect(first).toContain(503);
      expect(first).toContain(200);
      expect(await outcomes()).toEqual(first);
    });

    it('removes one rule or all', async () => {
      const one = await sut.addFault({ service: 'compute' });
      await sut.addFault({ service: 'image' });
      await sut.removeFault(one.id);
      expect((await sut.faults()).map((f) => f.service)).toEqual(['image']);
      await sut.clearFaults();
      expect(await sut.faults()).toEqual([]);
      await expect(sut.removeFault(one.id)).rejects.toThrow(/404/);
    });

    it('validates rules', async () => {
      await expect(sut.addFault({ service: 'storage' as never, status: 200 })).rejects.toThrow(
        /'service' must be one of.*'status' must be an HTTP error status/,
      );
    });
  });

  describe('request log', () => {
    it('records method, path, status and a precise wall-clock arrival time, filterable', async () => {
      await sut.clearRequests();
      const before = Date.now();
      await admin.call('GET', '/compute/v2.1/flavors?limit=1');
      await createServer('logged');
      const after = Date.now();
      const all = await sut.requests();
      expect(all.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
        'GET /compute/v2.1/flavors 200',
        'POST /compute/v2.1/servers 202',
      ]);
      const [get, post] = all;
      expect(get).toMatchObject({ query: 'limit=1', service: 'compute', microversion: '2.1', requestId: expect.stringMatching(/^req-/) });
      for (const entry of all) {
        expect(entry.receivedAt).toBeGreaterThanOrEqual(before - 1);
        expect(entry.receivedAt).toBeLessThanOrEqual(after + 1);
        expect(entry.time).toBe(new Date(entry.receivedAt).toISOString());
        expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      }
      expect(post.receivedAt).toBeGreaterThan(get.receivedAt);
      expect(post.seq).toBeGreaterThan(get.seq);
      expect(await sut.requests({ method: 'post', path: '/compute/v2.1/servers' })).toEqual([post]);
      expect(await sut.requests({ path: '/compute/**' })).toHaveLength(2);
      expect(await sut.requests({ path: '/compute/*' })).toHaveLength(0);
      expect(await sut.requests({ afterSeq: get.seq })).toEqual([post]);
      expect(await sut.requests({ since: post.receivedAt })).toEqual([post]);
      expect(await sut.requests({ limit: 1 })).toEqual([post]);
    });

    it('does not log control calls and is cleared by a reset', async () => {
      await sut.status();
      await sut.reset();
      await sut.servers();
      expect(await sut.requests()).toEqual([]);
    });

    it('keeps at most requestLogLimit entries', async () => {
      await sut.configure({ requestLogLimit: 3 });
      for (let i = 0; i < 5; i++) await call(`${sim.url}/identity/v3`, 'GET');
      const log = await sut.requests();
      expect(log).toHaveLength(3);
      expect(log[2].seq - log[0].seq).toBe(2);
    });
  });

  describe('state', () => {
    it('lists servers with tags, filtered, with their lifecycle times', async () => {
      await createServer('a', ['peak', 'run-1']);
      await createServer('b', ['peak']);
      await createServer('c');
      expect((await sut.servers({ tag: 'peak' })).map((s) => s.name)).toEqual(['a', 'b']);
      expect((await sut.servers({ tag: ['peak', 'run-1'] })).map((s) => s.name)).toEqual(['a']);
      const [a] = await sut.servers({ name: 'a' });
      expect(a).toMatchObject({ status: 'ACTIVE', deleting: false, projectName: 'admin', flavorName: 'm1.tiny', tags: ['peak', 'run-1'] });
      expect(a.addresses['public']).toEqual([expect.stringMatching(/^172\.24\.4\./)]);
      expect(await sut.servers({ project: 'demo' })).toEqual([]);
    });

    it('turns a server ERROR or ACTIVE, or makes it vanish, behind Nova’s back', async () => {
      const id = (await createServer('victim')).body.server.id;
      const crashed = await sut.setServerStatus(id, 'ERROR', 'Hypervisor lost');
      expect(crashed).toMatchObject({ id, status: 'ERROR', faultMessage: 'Hypervisor lost' });
      const seen = (await admin.call('GET', `/compute/v2.1/servers/${id}`)).body.server;
      expect(seen).toMatchObject({ status: 'ERROR', fault: { code: 500, message: 'Hypervisor lost' } });
      expect((await sut.setServerStatus(id, 'ACTIVE')).status).toBe('ACTIVE');
      await sut.removeServer(id);
      expect((await admin.call('GET', `/compute/v2.1/servers/${id}`)).status).toBe(404);
      await expect(sut.removeServer(id)).rejects.toThrow(/404/);
    });

    it('sets default and per-project quotas, enforced by Nova', async () => {
      const report = await sut.setQuotas({ instances: 1 }, 'admin');
      expect(report.projects.find((p) => p.name === 'admin')?.quotas).toEqual({ instances: 1, cores: 20, ram: 51200 });
      expect((await createServer('one')).status).toBe(202);
      expect((await createServer('two')).status).toBe(403);
      await sut.setQuotas({ cores: 5 });
      expect((await sut.quotas()).defaults).toEqual({ instances: 10, cores: 5, ram: 51200 });
      await expect(sut.setQuotas({ instances: 1 }, 'nope')).rejects.toThrow(/404/);
    });

    it('resets servers, quotas, behaviour and faults; tokens stay unless asked', async () => {
      await createServer('x');
      await sut.configure({ buildDelayMs: 999 });
      await sut.addFault({ service: 'image' });
      await sut.setQuotas({ instances: 0 });
      await sut.reset();
      expect(await sut.servers()).toEqual([]);
      expect((await sut.config()).buildDelayMs).toBe(0);
      expect(await sut.faults()).toEqual([]);
      expect((await sut.quotas()).defaults.instances).toBe(10);
      expect((await admin.call('GET', '/image/v2/images')).status).toBe(200);
      await sut.reset({ keepTokens: false });
      expect((await admin.call('GET', '/image/v2/images')).status).toBe(401);
      admin = await login(sim.url);
    });

    it('expires every token on demand', async () => {
      const session = await login(sim.url, 'demo', 'demo');
      expect(await sut.expireTokens()).toBeGreaterThanOrEqual(1);
      expect((await session.call('GET', '/compute/v2.1/servers')).status).toBe(401);
      admin = await login(sim.url);
    });

    it('grants and revokes roles by name or id, as `openstack role add/remove`; a reset restores the seed’s', async () => {
      const scoped = () => call(`${sim.url}/identity/v3/auth/tokens`, 'POST', { body: passwordAuth('viewer', 'demo') });
      expect((await scoped()).status).toBe(401);
      await sut.grantRole('viewer', 'demo', 'reader');
      await sut.grantRole('viewer', 'demo', 'reader');
      expect((await scoped()).status).toBe(201);
      await sut.revokeRole('viewer', 'demo', 'reader');
      expect((await scoped()).status).toBe(401);
      await expect(sut.revokeRole('viewer', 'demo', 'reader')).rejects.toMatchObject({ status: 404 });
      await expect(sut.grantRole('nobody', 'demo', 'reader')).rejects.toMatchObject({ status: 404 });
      await sut.revokeRole('demo', 'demo', 'member');
      await sut.reset();
      expect((await call(`${sim.url}/identity/v3/auth/tokens`, 'POST', { body: passwordAuth('demo', 'demo') })).status).toBe(201);
    });
  });
});
