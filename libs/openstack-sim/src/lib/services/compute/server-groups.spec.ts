import { type Json, type Session, login } from '../../../testing/http';
import { stableUuid } from '../../seed';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { registerServerGroupRoutes } from './server-groups';

const CIRROS = stableUuid('image', 'cirros-0.6.2-x86_64-disk');
const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

describe(registerServerGroupRoutes.name, () => {
  let sut: RunningSimulator;
  let admin: Session;
  let demo: Session;

  beforeAll(async () => {
    sut = await startSimulator({ port: 0 });
    admin = await login(sut.url);
    demo = await login(sut.url, 'demo', 'demo');
  });

  afterAll(() => sut.close());

  beforeEach(async () => {
    await sut.control.reset();
    await sut.control.configure({ buildDelayMs: 0, deleteDelayMs: 0 });
  });

  const createGroup = (group: Record<string, unknown>, session = demo, microversion = '2.64') =>
    session.call('POST', '/compute/v2.1/os-server-groups', { microversion, body: { server_group: { name: 'g', ...group } } });

  async function groupId(policy: string, rules?: Record<string, unknown>): Promise<string> {
    const response = await createGroup({ policy, ...(rules ? { rules } : {}) });
    expect(response.status).toBe(200);
    return response.body.server_group.id;
  }

  const createServer = (name: string, group: string) =>
    demo.call('POST', '/compute/v2.1/servers', {
      microversion: '2.71',
      body: {
        server: { name, imageRef: CIRROS, flavorRef: '1', networks: 'none' },
        'os:scheduler_hints': { group },
      },
    });

  async function serverIn(name: string, group: string): Promise<Json> {
    const response = await createServer(name, group);
    expect(response.status).toBe(202);
    return (await demo.call('GET', `/compute/v2.1/servers/${response.body.server.id}`, { microversion: '2.71' })).body.server;
  }

  const showGroup = (id: string, session = demo, microversion = '2.64') =>
    session.call('GET', `/compute/v2.1/os-server-groups/${id}`, { microversion });

  it('creates, shows, lists and deletes a group in the 2.64 form', async () => {
    const created = await createGroup({ name: 'spread', policy: 'anti-affinity', rules: { max_server_per_host: 2 } });
    expect(created.status).toBe(200);
    expect(created.body.server_group).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'spread',
      policy: 'anti-affinity',
      rules: { max_server_per_host: 2 },
      members: [],
      project_id: demo.projectId,
      user_id: demo.userId,
    });
    const { id } = created.body.server_group;
    expect((await showGroup(id)).body.server_group).toEqual(created.body.server_group);
    expect((await demo.call('GET', '/compute/v2.1/os-server-groups', { microversion: '2.64' })).body.server_groups).toEqual([
      created.body.server_group,
    ]);
    expect((await demo.call('DELETE', `/compute/v2.1/os-server-groups/${id}`)).status).toBe(204);
    expect((await showGroup(id)).body).toEqual({ itemNotFound: { code: 404, message: `Instance group ${id} could not be found.` } });
    expect((await demo.call('DELETE', `/compute/v2.1/os-server-groups/${id}`)).status).toBe(404);
  });

  it('shows the older form below 2.64: a policies list and empty metadata', async () => {
    const created = await createGroup({ policies: ['affinity'] }, demo, '2.15');
    expect(created.status).toBe(200);
    expect(created.body.server_group).toEqual({
      id: expect.any(String),
      name: 'g',
      policies: ['affinity'],
      metadata: {},
      members: [],
      project_id: demo.projectId,
      user_id: demo.userId,
    });
    expect((await showGroup(created.body.server_group.id, demo, '2.1')).body.server_group).not.toHaveProperty('project_id');
  });

  it('refuses a bad body as Nova does', async () => {
    expect((await createGroup({ policy: 'affinity', rules: { max_server_per_host: 2 } })).body.badRequest.message).toBe(
      'Only anti-affinity policy supports rules.',
    );
    expect((await createGroup({ policy: 'spread' })).body.badRequest.message).toMatch(/^Invalid input for field\/attribute policy/);
    expect((await createGroup({ policies: ['affinity'] })).body.badRequest.message).toMatch(/'policies' was unexpected/);
    expect((await createGroup({ policy: 'soft-affinity' }, demo, '2.14')).status).toBe(400);
    expect((await createGroup({})).body.badRequest.message).toMatch(/'policy' is a required property/);
  });

  it('keeps groups per project: another project gets 403 on show, an admin sees all with all_projects', async () => {
    const id = await groupId('affinity');
    const other = await login(sut.url, 'admin', 'demo');
    const viewer = await login(sut.url, 'viewer', 'admin');
    expect((await showGroup(id, viewer)).body).toEqual({
      forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-server-groups:show to be performed." },
    });
    expect((await viewer.call('GET', '/compute/v2.1/os-server-groups')).body.server_groups).toEqual([]);
    expect((await showGroup(id, other)).status).toBe(200);
    expect((await admin.call('GET', '/compute/v2.1/os-server-groups')).body.server_groups).toEqual([]);
    const all = (await admin.call('GET', '/compute/v2.1/os-server-groups?all_projects=True')).body.server_groups;
    expect(all.map((g: Json) => g.id)).toEqual([id]);
  });

  it('refuses an eleventh group with Nova’s quota message', async () => {
    for (let i = 0; i < 10; i++) await groupId('affinity');
    expect((await createGroup({ policy: 'affinity' })).body).toEqual({
      forbidden: { code: 403, message: 'Quota exceeded, too many server groups.' },
    });
    expect((await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute.totalServerGroupsUsed).toBe(10);
  });

  it('adds a server created with the group hint to the members, shows the group on the server, and drops it on delete', async () => {
    const id = await groupId('soft-anti-affinity');
    const server = await serverIn('a', id);
    expect(server.server_groups).toEqual([id]);
    expect(server.status).toBe('ACTIVE');
    expect((await showGroup(id)).body.server_group.members).toEqual([server.id]);
    expect((await serverIn('b', id)).status).toBe('ACTIVE');
    await demo.call('DELETE', `/compute/v2.1/servers/${server.id}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await showGroup(id)).body.server_group.members).toHaveLength(1);
  });

  it('fails the build of a second member of a hard anti-affinity group: the simulator has one host', async () => {
    const id = await groupId('anti-affinity');
    expect((await serverIn('first', id)).status).toBe('ACTIVE');
    const second = await serverIn('second', id);
    expect(second).toMatchObject({ status: 'ERROR', fault: { code: 500, message: NO_VALID_HOST } });
    // A failed server stays a member, as in Nova, but holds no host.
    expect((await showGroup(id)).body.server_group.members).toEqual(expect.arrayContaining([second.id]));
    const roomy = await groupId('anti-affinity', { max_server_per_host: 2 });
    expect((await serverIn('r1', roomy)).status).toBe('ACTIVE');
    expect((await serverIn('r2', roomy)).status).toBe('ACTIVE');
    expect((await serverIn('r3', roomy)).status).toBe('ERROR');
    const together = await groupId('affinity');
    for (const name of ['x', 'y', 'z']) expect((await serverIn(name, together)).status).toBe('ACTIVE');
  });

  it('refuses an unknown group in the hint with 400', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await createServer('vm', unknown)).body).toEqual({
      badRequest: { code: 400, message: `Instance group ${unknown} could not be found.` },
    });
    expect((await createServer('vm', 'not-a-uuid')).status).toBe(400);
  });
});
