import type { INestApplication } from '@nestjs/common';
import { defaultSeed, startSimulator, stableUuid, type RunningSimulator } from '@peak/openstack-sim';
import request from 'supertest';
import { keystoneToken, revokeAtKeystone } from '../testing/keystone-token';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { simulatorEnv } from '../testing/simulator-env';
import type { FlavorDto } from '../flavors/dto/flavor.dto';
import type { ImageDto } from './dto/image.dto';
import type { NetworkDto } from './dto/network.dto';

const ADMIN_NETWORK = stableUuid('network', 'admin-mgmt');
const PRIVATE_NETWORK = stableUuid('network', 'private');
const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');

/**
 * The catalog per project: `GET /v1/images`, `/v1/networks`, `/v1/flavors` and the reference check of schedules ask
 * the cloud with the caller's token. Next to the default seed (public images, demo's `private` network, the shared
 * `public` one), the admin project owns a private image and network, and demo a private image.
 */
describe('the catalog per project', () => {
  jest.setTimeout(60_000);
  let db: TestDatabase;
  let sim: RunningSimulator;
  let app: INestApplication;
  let demo: string;

  beforeAll(async () => {
    db = await createTestDatabase('catalog_projects');
    const seed = defaultSeed();
    sim = await startSimulator({
      port: 0,
      seed: {
        images: [
          ...seed.images,
          { name: 'admin-golden', size: 1024, visibility: 'private', owner: 'admin' },
          { name: 'demo-snapshot', size: 2048, visibility: 'private', owner: 'demo' },
        ],
        networks: [...seed.networks, { name: 'admin-mgmt', project: 'admin', cidr: '192.168.50.0/24' }],
      },
    });
    app = await createTestApp({
      databaseUrl: db.url,
      env: { ...simulatorEnv(sim), CATALOG_CACHE_TTL_SECONDS: '60', FLAVOR_BOOTSTRAP: 'false' },
    });
    demo = (await keystoneToken(sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
  });

  afterAll(async () => {
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  beforeEach(() => sim.control.clearRequests());

  const http = () => request(app.getHttpServer());
  const asDemo = (url: string) => http().get(url).set('x-auth-token', demo);
  const names = (body: unknown) => (body as { name: string }[]).map((i) => i.name);
  const upstream = async (path: string) => (await sim.control.requests({ method: 'GET', path })).length;

  it('shows a member of demo its images and networks and the public or shared ones, not the admin project’s', async () => {
    expect(names((await asDemo('/v1/images?refresh=true').expect(200)).body)).toEqual([
      'cirros-0.6.2-x86_64-disk',
      'demo-snapshot',
      'ubuntu-24.04',
    ]);
    const networks = (await asDemo('/v1/networks?refresh=true').expect(200)).body as NetworkDto[];
    expect(names(networks)).toEqual(['private', 'public']);
    expect(networks.find((n) => n.name === 'public')).toMatchObject({ shared: true, external: true });
    expect(names((await asDemo('/v1/flavors?refresh=true').expect(200)).body)).toEqual([
      'm1.large',
      'm1.medium',
      'm1.small',
      'm1.tiny',
      'm1.xlarge',
    ]);
  });

  it('shows the admin token what the cloud shows it (an admin: every project’s)', async () => {
    expect(names((await http().get('/v1/images?refresh=true').expect(200)).body as ImageDto[])).toContain('admin-golden');
    expect(names((await http().get('/v1/networks?refresh=true').expect(200)).body)).toEqual(['admin-mgmt', 'private', 'public']);
    expect(((await http().get('/v1/flavors?refresh=true').expect(200)).body as FlavorDto[]).length).toBe(5);
  });

  it('caches per project: one project’s cached list is never another’s', async () => {
    await http().get('/v1/networks?refresh=true').expect(200);
    await asDemo('/v1/networks?refresh=true').expect(200);
    await sim.control.clearRequests();

    // Both cached now, each its own.
    expect(names((await asDemo('/v1/networks').expect(200)).body)).toEqual(['private', 'public']);
    expect(names((await http().get('/v1/networks').expect(200)).body)).toEqual(['admin-mgmt', 'private', 'public']);
    expect(names((await asDemo('/v1/networks').expect(200)).body)).toEqual(['private', 'public']);
    expect(await upstream('/network/v2.0/networks')).toBe(0);

    // Same project, other roles: a reader of the admin project gets its own list, not the admin's cached one.
    const viewer = (await keystoneToken(sim.authUrl, { name: 'viewer', password: 'secret', project: 'admin' })).token;
    expect(names((await http().get('/v1/networks').set('x-auth-token', viewer).expect(200)).body)).toEqual(['admin-mgmt', 'public']);
    expect(await upstream('/network/v2.0/networks')).toBe(1);
  });

  it('checks a schedule’s references with the caller’s token: demo may not name the admin project’s network (422)', async () => {
    const start = new Date(Date.now() + 24 * 3_600_000);
    const body = (networkIds: string[]) => ({
      name: `demo-${networkIds.length}-${Math.random().toString(36).slice(2, 8)}`,
      imageId: CIRROS,
      flavorId: '1',
      networkIds,
      instanceCount: 1,
      window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 3_600_000).toISOString() },
    });
    const refused = await http()
      .post('/v1/schedules')
      .set('x-auth-token', demo)
      .send(body([PRIVATE_NETWORK, ADMIN_NETWORK]))
      .expect(422);
    expect(refused.body.errors).toEqual([
      { field: 'networkIds.1', reason: `no network with id ${ADMIN_NETWORK} in the cloud`, constraint: 'existsInCloud' },
    ]);

    // The admin (who sees it) may; demo may with its own and the shared networks.
    await http()
      .post('/v1/schedules')
      .send(body([ADMIN_NETWORK]))
      .expect(201);
    const created = await http()
      .post('/v1/schedules')
      .set('x-auth-token', demo)
      .send(body([PRIVATE_NETWORK]));
    expect(created.status).toBe(201);

    // An update naming it is refused the same way.
    const { id, version } = created.body as { id: string; version: number };
    const patched = await http()
      .patch(`/v1/schedules/${id}`)
      .set('x-auth-token', demo)
      .send({ version, networkIds: [ADMIN_NETWORK] })
      .expect(422);
    expect(patched.body.errors).toEqual([expect.objectContaining({ field: 'networkIds.0', constraint: 'existsInCloud' })]);
  });

  it('answers 401 when the cloud refuses the caller’s token (revoked at Keystone while the guard still trusts it)', async () => {
    const doomed = (await keystoneToken(sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    await http().get('/v1/networks').set('x-auth-token', doomed).expect(200);
    await revokeAtKeystone(sim.authUrl, doomed, demo);
    const refused = await http().get('/v1/networks?refresh=true').set('x-auth-token', doomed).expect(401);
    expect(refused.body).toMatchObject({ statusCode: 401, message: expect.stringMatching(/^network did not accept your token/) });
    const check = await http()
      .post('/v1/schedules')
      .set('x-auth-token', doomed)
      .send({
        name: 'doomed',
        imageId: CIRROS,
        flavorId: '1',
        networkIds: [PRIVATE_NETWORK],
        instanceCount: 1,
        window: {
          type: 'once',
          startAt: new Date(Date.now() + 86_400_000).toISOString(),
          endAt: new Date(Date.now() + 90_000_000).toISOString(),
        },
      });
    expect(check.status).toBe(401);
  });
});
