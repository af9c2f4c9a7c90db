import { startSimulator, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import { createTestDatabase, startApiProcess, type ApiProcess } from '@peak/testing';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isPeakApiError, PeakApiError, PeakClient, PeakConnectionError, toArray, type CreateScheduleDto, type TokenProvider } from '../src';
import { connect, keystoneAuth } from '../src/openstack';

const run = promisify(execFile);
const DIST = join(__dirname, '../dist');

/** The SDK as an integrator uses it: against the built API, which talks to the simulator over HTTP. */
describe('SDK against the API', () => {
  let sim: RunningSimulator;
  let db: { url: string; drop(): Promise<void> };
  let api: ApiProcess;
  let cloudEnv: Record<string, string>;
  let bootable: Pick<CreateScheduleDto, 'imageId' | 'flavorId' | 'networkIds'>;
  const startedAt = Date.now();

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    db = await createTestDatabase({ adminUrl, embedded: false }, 'sdk_e2e');
    cloudEnv = {
      OS_AUTH_URL: sim.authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    };
    api = await startApiProcess({ ...cloudEnv, DATABASE_URL: db.url, FLAVOR_BOOTSTRAP: 'false', LOG_LEVEL: 'warn' });
    const peak = connect({ url: api.url, env: cloudEnv });
    const [images, flavors, networks] = await Promise.all([peak.listImages(), peak.listFlavors(), peak.listNetworks()]);
    bootable = {
      imageId: images.data.find((i) => i.name.startsWith('cirros'))?.id as string,
      flavorId: flavors.data.find((f) => f.name === 'm1.small')?.id as string,
      networkIds: [networks.data.find((n) => n.name === 'private')?.id as string],
    };
  });

  afterAll(async () => {
    await api?.stop();
    await sim?.close();
    await db?.drop();
  });

  /** A one-off window two days after this test file started: never due while the tests run, at any wall-clock time. */
  function schedule(name: string, overrides: Partial<CreateScheduleDto> = {}): CreateScheduleDto {
    const startAt = new Date(startedAt + 2 * 86_400_000);
    return {
      name,
      ...bootable,
      instanceCount: 1,
      timeZone: 'UTC',
      window: { type: 'once', startAt: startAt.toISOString(), endAt: new Date(startAt.getTime() + 3_600_000).toISOString() },
      ...overrides,
    };
  }

  it('authenticates with the password of clouds.yaml-style OS_* variables, and creates, reads, changes and deletes a schedule', async () => {
    const peak = connect({ url: api.url, env: cloudEnv });
    const created = await peak.createSchedule({ body: schedule('sdk-crud') });
    expect(created.response.status).toBe(201);
    expect(created.response.headers.get('location')).toBe(`/v1/schedules/${created.data.id}`);

    const read = await peak.getSchedule({ path: { id: created.data.id } });
    expect(read.data).toMatchObject({ name: 'sdk-crud', instanceCount: 1, projectName: 'admin' });

    const changed = await peak.updateSchedule({ path: { id: created.data.id }, body: { instanceCount: 2, version: read.data.version } });
    expect(changed.data.instanceCount).toBe(2);

    await peak.deleteSchedule({ path: { id: created.data.id } });
    await expect(peak.getSchedule({ path: { id: created.data.id } })).rejects.toMatchObject({ status: 404 });
  });

  it('authenticates with an application credential', async () => {
    const peak = connect({
      url: api.url,
      env: {
        OS_AUTH_URL: sim.authUrl,
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_ID: stableHexId('application_credential', 'demo-app'),
        OS_APPLICATION_CREDENTIAL_SECRET: 'secret',
      },
    });
    const { data } = await peak.getCurrentToken();
    expect(data.user.name).toBe('demo');
    expect(data.project?.name).toBe('demo');
  });

  it('describes the cloud it logs in to without its secrets', () => {
    const described = keystoneAuth({ env: cloudEnv }).describe();
    expect(described).toContain('admin');
    expect(described).not.toContain('secret');
  });

  it('asks its token provider for a new token once when the API refuses one (401), and repeats the call', async () => {
    const keystone = keystoneAuth({ env: cloudEnv });
    const asked: (string | undefined)[] = [];
    const provider: TokenProvider = {
      async getToken({ rejected } = {}) {
        asked.push(rejected);
        return rejected === undefined ? 'an-expired-token' : keystone.getToken();
      },
    };
    const peak = new PeakClient({ url: api.url, auth: provider });
    const { data } = await peak.listFlavors();
    expect(data.length).toBeGreaterThan(0);
    expect(asked).toEqual([undefined, 'an-expired-token']);
  });

  it('throws a 401 PeakApiError for a token that cannot be renewed', async () => {
    const peak = new PeakClient({ url: api.url, auth: 'not-a-token' });
    const error = await peak.listFlavors().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakApiError);
    expect(error).toMatchObject({ status: 401, body: { statusCode: 401 } });
  });

  it('pages through every schedule, and stops early without fetching more', async () => {
    const peak = connect({ url: api.url, env: cloudEnv });
    const names = ['sdk-page-1', 'sdk-page-2', 'sdk-page-3', 'sdk-page-4', 'sdk-page-5'];
    for (const name of names) await peak.createSchedule({ body: schedule(name) });

    const all = await toArray(peak.schedules({ q: 'sdk-page', sort: 'name' }, 2));
    expect(all.map((s) => s.name)).toEqual(names);

    const pages: number[] = [];
    peak.http.interceptors.request.use((request) => {
      if (new URL(request.url).pathname === '/v1/schedules') pages.push(Number(new URL(request.url).searchParams.get('offset')));
      return request;
    });
    for await (const s of peak.schedules({ q: 'sdk-page', sort: 'name' }, 2)) if (s.name === 'sdk-page-2') break;
    expect(pages).toEqual([0]);
  });

  it('throws typed errors: field errors on 400, the request id, 404, and no answer at all', async () => {
    const peak = connect({ url: api.url, env: cloudEnv });

    const invalid = await peak.createSchedule({ body: schedule('sdk-invalid', { instanceCount: 0 }) }).catch((e: unknown) => e);
    expect(isPeakApiError(invalid, 400)).toBe(true);
    const error = invalid as PeakApiError;
    expect(error.fieldErrors.map((f) => f.field)).toContain('instanceCount');
    expect(error.requestId).toMatch(/\S/);
    expect(error.message).toContain('POST /v1/schedules: 400');

    const missing = await peak.getSchedule({ path: { id: '00000000-0000-4000-8000-000000000000' } }).catch((e: unknown) => e);
    expect(isPeakApiError(missing, 404)).toBe(true);

    const closed = new PeakClient({ url: 'http://127.0.0.1:9', auth: 'x', timeoutMs: 5_000 });
    const unreachable = await closed.listFlavors().catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(PeakConnectionError);
    expect((unreachable as Error).message).toContain('GET http://127.0.0.1:9/v1/flavors');
  });

  it('replays a create retried with the same Idempotency-Key', async () => {
    const peak = connect({ url: api.url, env: cloudEnv });
    const key = `sdk-${startedAt}`;
    const first = await peak.createSchedule({ body: schedule('sdk-idempotent'), headers: { 'Idempotency-Key': key } });
    const again = await peak.createSchedule({ body: schedule('sdk-idempotent'), headers: { 'Idempotency-Key': key } });
    expect(again.data.id).toBe(first.data.id);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['CommonJS', 'index.cjs', `const { PeakClient } = require(process.env.SDK);`],
    ['an ES module', 'index.js', `const { PeakClient } = await import(process.env.SDK);`],
  ])('works as the built package, loaded as %s', async (_kind, file, load) => {
    const token = await keystoneAuth({ env: cloudEnv }).getToken();
    const script = `(async () => { ${load}
      const peak = new PeakClient({ url: process.env.URL, auth: process.env.TOKEN });
      const { data } = await peak.listImages();
      console.log(JSON.stringify(data.map((i) => i.name)));
    })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      env: { PATH: process.env['PATH'] ?? '', SDK: join(DIST, file), URL: api.url, TOKEN: token },
    });
    expect(JSON.parse(stdout)).toEqual(expect.arrayContaining([expect.stringMatching(/^cirros/)]));
  });
});
