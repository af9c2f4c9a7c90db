import type { INestApplication } from '@nestjs/common';
import { startSimulator, stableUuid, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { keystoneToken } from '../testing/keystone-token';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import type { QuotaDto, QuotasDto } from './dto/quota.dto';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const PRIVATE_NETWORK = stableUuid('network', 'private');

/**
 * `GET /v1/quotas`: Nova's absolute limits of the caller's project with their usage, asked with the caller's token.
 * The simulator has Nova's default quotas (10 instances, 20 cores, 51200 MiB, 100 key pairs, 10 server groups).
 */
describe('GET /v1/quotas', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let demo: string;
  let viewer: string;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase('quotas');
    sim = await startSimulator({ port: 0, buildDelayMs: 0, deleteDelayMs: 0 });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), CATALOG_CACHE_TTL_SECONDS: '60', FLAVOR_BOOTSTRAP: 'false' },
    });
    demo = (await keystoneToken(sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    viewer = (await keystoneToken(sim.authUrl, { name: 'viewer', password: 'secret', project: 'admin' })).token;
    admin = (await keystoneToken(sim.authUrl, { name: 'admin', password: 'secret', project: 'admin' })).token;
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  const http = () => request(app.getHttpServer());
  const get = (url: string, token: string) => http().get(url).set('x-auth-token', token);
  const byResource = (body: QuotasDto) => Object.fromEntries(body.quotas.map((q) => [q.resource, q])) as Record<string, QuotaDto>;
  const projectOf = async (token: string) =>
    ((await http().get('/v1/auth/tokens').set('x-auth-token', token).expect(200)).body as { project: { id: string } }).project.id;

  /** A server made straight at Nova with the token (not by Peak): quotas count every server of the project. */
  const createServer = async (token: string, name: string, flavorRef: string) => {
    const res = await fetch(`${sim.url}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
      body: JSON.stringify({ server: { name, imageRef: CIRROS, flavorRef, networks: [{ uuid: PRIVATE_NETWORK }] } }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { server: { id: string } }).server.id;
  };

  it('shows a member its project’s limits and usage, in a fixed order, with the caller’s key pairs', async () => {
    const body = (await get('/v1/quotas?refresh=true', demo).expect(200)).body as QuotasDto;
    expect(body.projectId).toBe(await projectOf(demo));
    expect(body.quotas).toEqual([
      { resource: 'instances', used: 0, limit: 10 },
      { resource: 'cores', used: 0, limit: 20 },
      { resource: 'ramMiB', used: 0, limit: 51200 },
      { resource: 'keyPairs', used: 0, limit: 100 },
      { resource: 'serverGroups', used: 0, limit: 10 },
    ]);
  });

  it('counts the servers and server groups that exist in the project (after refresh=true; cached until then)', async () => {
    await get('/v1/quotas?refresh=true', demo).expect(200);
    const small = await createServer(demo, 'quota-a', '2'); // m1.small: 1 vCPU, 2048 MiB
    await createServer(demo, 'quota-b', '3'); // m1.medium: 2 vCPUs, 4096 MiB
    const group = await fetch(`${sim.url}/compute/v2.1/os-server-groups`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': demo, 'OpenStack-API-Version': 'compute 2.64' },
      body: JSON.stringify({ server_group: { name: 'quota-group', policy: 'anti-affinity' } }),
    });
    expect(group.status).toBe(200);

    // Cached: the same answer as before until refresh.
    expect(byResource((await get('/v1/quotas', demo).expect(200)).body).instances).toEqual({ resource: 'instances', used: 0, limit: 10 });

    const now = byResource((await get('/v1/quotas?refresh=true', demo).expect(200)).body);
    expect(now.instances).toEqual({ resource: 'instances', used: 2, limit: 10 });
    expect(now.cores).toEqual({ resource: 'cores', used: 3, limit: 20 });
    expect(now.ramMiB).toEqual({ resource: 'ramMiB', used: 6144, limit: 51200 });
    expect(now.serverGroups).toEqual({ resource: 'serverGroups', used: 1, limit: 10 });

    // Deleting frees the quota once Nova has finished deleting (no delay in this simulator).
    const deleted = await fetch(`${sim.url}/compute/v2.1/servers/${small}`, { method: 'DELETE', headers: { 'X-Auth-Token': demo } });
    expect(deleted.status).toBe(204);
    expect(byResource((await get('/v1/quotas?refresh=true', demo).expect(200)).body).instances).toEqual({
      resource: 'instances',
      used: 1,
      limit: 10,
    });
  });

  it('shows an unlimited quota as a null limit', async () => {
    await sim.control.setQuotas({ cores: -1 }, 'demo');
    try {
      const cores = byResource((await get('/v1/quotas?refresh=true', demo).expect(200)).body).cores;
      expect(cores).toEqual({ resource: 'cores', used: expect.any(Number), limit: null });
    } finally {
      await sim.control.setQuotas({ cores: 20 }, 'demo');
    }
  });

  it('lets a cloud admin see another project’s quotas with projectId (no key pair count: those are per user)', async () => {
    const demoProject = await projectOf(demo);
    await sim.control.setQuotas({ instances: 7 }, 'demo');
    try {
      const body = (await get(`/v1/quotas?refresh=true&projectId=${demoProject}`, admin).expect(200)).body as QuotasDto;
      expect(body.projectId).toBe(demoProject);
      const quotas = byResource(body);
      expect(quotas.instances).toEqual({ resource: 'instances', used: 1, limit: 7 });
      expect(quotas.keyPairs).toEqual({ resource: 'keyPairs', used: null, limit: 100 });

      // The admin's own project is not demo's.
      const own = (await get('/v1/quotas?refresh=true', admin).expect(200)).body as QuotasDto;
      expect(own.projectId).toBe(await projectOf(admin));
      expect(byResource(own).instances).toEqual({ resource: 'instances', used: 0, limit: 10 });
    } finally {
      await sim.control.setQuotas({ instances: 10 }, 'demo');
    }
  });

  it('refuses a member or a reader another project’s quotas (403), and lets a reader see its own', async () => {
    const adminProject = await projectOf(admin);
    const demoProject = await projectOf(demo);
    const refused = await get(`/v1/quotas?projectId=${adminProject}`, demo).expect(403);
    expect(refused.body).toMatchObject({
      statusCode: 403,
      message: expect.stringContaining(`only a cloud admin may see the quotas of project ${adminProject}`),
    });
    await get(`/v1/quotas?projectId=${demoProject}`, viewer).expect(403);
    // Naming one's own project is the same as naming none.
    expect(((await get(`/v1/quotas?projectId=${demoProject}`, demo).expect(200)).body as QuotasDto).projectId).toBe(demoProject);

    const own = (await get('/v1/quotas?refresh=true', viewer).expect(200)).body as QuotasDto;
    expect(own.projectId).toBe(adminProject);
    expect(own.quotas.map((q) => q.resource)).toEqual(['instances', 'cores', 'ramMiB', 'keyPairs', 'serverGroups']);
  });

  it('answers 401 without a token and 400 for an invalid refresh', async () => {
    await http().get('/v1/quotas').set('x-auth-token', 'not-a-token').expect(401);
    const bad = await get('/v1/quotas?refresh=maybe', demo).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'refresh' })]);
  });

  it('answers 503 with the cloud’s message when Nova is down', async () => {
    const fault = await sim.control.outage(60_000, { service: 'compute', status: 503, message: 'Nova is down for maintenance' });
    try {
      const res = await get('/v1/quotas?refresh=true', demo).expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, message: expect.stringMatching(/maintenance/) });
    } finally {
      await sim.control.removeFault(fault.id);
    }
  });
});
