import { ADMIN, keystoneToken } from '../testing/keystone-token';
import { createSecurityGroup, importKeypair } from '../testing/launch-fixtures';
import { onceBody, startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';

/**
 * A schedule's `launch` options: each field checked on its own (400 naming the field), against the cloud as the
 * caller sees it (422 naming the field), stored and given back as sent, replaced whole by a PATCH.
 */
describe('launch options of a schedule', () => {
  jest.setTimeout(60_000);
  let kit: SchedulesTestKit;
  let web: { id: string; name: string };

  beforeAll(async () => {
    kit = await startSchedulesTestKit('launch');
    // The admin user's key pair and a second security group of its project, made the way a user would.
    const { token } = await keystoneToken(kit.sim.authUrl, ADMIN);
    await importKeypair(kit.sim, token, 'ops');
    web = await createSecurityGroup(kit.sim, token, 'web');
    // Project demo's own `default` group exists too (Neutron makes it on first use): an admin's Neutron lists both.
    const demo = await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' });
    const listed = await fetch(`${kit.sim.url}/network/v2.0/security-groups`, { headers: { 'x-auth-token': demo.token } });
    expect(listed.status).toBe(200);
    const all = await fetch(`${kit.sim.url}/network/v2.0/security-groups?name=default`, { headers: { 'x-auth-token': token } });
    expect(((await all.json()) as { security_groups: unknown[] }).security_groups).toHaveLength(2);
  });

  afterAll(() => kit?.close());

  const create = (launch: unknown) => kit.http().post('/v1/schedules').send(onceBody(kit, { launch }));
  const fieldsOf = (body: { errors?: { field: string; reason: string }[] }) => (body.errors ?? []).map((e) => e.field);

  it('stores the options as sent and gives them back, a boot volume deleted with its VM unless told otherwise', async () => {
    const launch = {
      keyName: 'ops',
      securityGroups: ['default', web.id],
      userData: '#cloud-config\nruncmd:\n  - echo hello\n',
      metadata: { role: 'worker', 'team:name': 'exams' },
      tags: ['exams', 'batch'],
      availabilityZone: 'nova',
      serverGroup: { policy: 'soft-anti-affinity' },
      bootVolume: { sizeGiB: 20 },
      configDrive: true,
      description: 'exam peak',
      hostnamePrefix: 'exam-web',
    };
    const created = await create(launch).expect(201);
    expect(created.body.launch).toEqual({ ...launch, bootVolume: { sizeGiB: 20, deleteOnTermination: true } });
    const read = await kit.http().get(`/v1/schedules/${created.body.id}`).expect(200);
    expect(read.body.launch).toEqual(created.body.launch);

    // A PATCH's `launch` replaces them all; `{}` goes back to Nova's defaults.
    const patched = await kit
      .http()
      .patch(`/v1/schedules/${created.body.id}`)
      .send({ version: created.body.version, launch: { keyName: 'ops' } })
      .expect(200);
    expect(patched.body.launch).toEqual({ keyName: 'ops' });
    const cleared = await kit
      .http()
      .patch(`/v1/schedules/${created.body.id}`)
      .send({ version: patched.body.version, launch: {} })
      .expect(200);
    expect(cleared.body.launch).toEqual({});
    const nulled = await kit
      .http()
      .patch(`/v1/schedules/${created.body.id}`)
      .send({ version: cleared.body.version, launch: null })
      .expect(400);
    expect(fieldsOf(nulled.body)).toEqual(['launch']);
  });

  it.each([
    ['an unknown field', { keyname: 'ops' }, 'launch.keyname'],
    ['security groups that are not strings', { securityGroups: [1] }, 'launch.securityGroups'],
    ['a duplicated security group', { securityGroups: ['default', 'default'] }, 'launch.securityGroups'],
    ['a metadata value that is not a string', { metadata: { role: 1 } }, 'launch.metadata'],
    ['a metadata key of the engine', { metadata: { 'peak-scheduler:slot': '1' } }, 'launch.metadata'],
    ['a metadata key Nova refuses', { metadata: { 'role/x': 'a' } }, 'launch.metadata'],
    ['a metadata value over 255 characters', { metadata: { role: 'x'.repeat(256) } }, 'launch.metadata'],
    ['a tag with a comma', { tags: ['a,b'] }, 'launch.tags'],
    ['a tag of the engine', { tags: ['peak-scheduler'] }, 'launch.tags'],
    ['a tag over 60 characters', { tags: ['t'.repeat(61)] }, 'launch.tags'],
    ['too many tags', { tags: Array.from({ length: 47 }, (_, i) => `t${i}`) }, 'launch.tags'],
    ['a zone and a spread', { availabilityZone: 'nova', spreadAcrossZones: true }, 'launch.spreadAcrossZones'],
    ['a server group with a policy and an id', { serverGroup: { policy: 'affinity', id: 'g' } }, 'launch.serverGroup'],
    ['an empty server group', { serverGroup: {} }, 'launch.serverGroup'],
    ['an unknown server group policy', { serverGroup: { policy: 'spread' } }, 'launch.serverGroup.policy'],
    ['a boot volume of 0 GiB', { bootVolume: { sizeGiB: 0 } }, 'launch.bootVolume.sizeGiB'],
    ['a boot volume without a size', { bootVolume: { volumeType: 'fast' } }, 'launch.bootVolume.sizeGiB'],
    ['a config drive that is not a boolean', { configDrive: 'yes' }, 'launch.configDrive'],
    ['a description over 255 characters', { description: 'd'.repeat(256) }, 'launch.description'],
    ['a hostname prefix with capitals', { hostnamePrefix: 'Web' }, 'launch.hostnamePrefix'],
    ['a hostname prefix ending in a dash', { hostnamePrefix: 'web-' }, 'launch.hostnamePrefix'],
    ['launch options that are not an object', 'key=ops', 'launch'],
  ])('refuses %s with a 400 naming the field, and saves nothing', async (_, launch, field) => {
    const before = (await kit.http().get('/v1/schedules').expect(200)).body.total as number;
    const res = await create(launch);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
    expect((await kit.http().get('/v1/schedules').expect(200)).body.total).toBe(before);
  });

  it("takes user data up to Nova's 65,535 bytes once encoded, and refuses one byte more, naming the size", async () => {
    // Base64 turns every 3 bytes into 4: 49,149 bytes encode to 65,532 (the most under the limit), 49,150 to 65,536.
    const fits = 'a'.repeat(49_148) + '\n';
    await create({ userData: fits }).expect(201);
    const over = await create({ userData: `${fits}b` }).expect(400);
    expect(over.body.errors).toEqual([
      expect.objectContaining({ field: 'launch.userData', reason: 'is 65536 bytes once base64-encoded; Nova takes at most 65535' }),
    ]);
    // Multi-byte text counts in UTF-8 bytes: 16,383 three-byte characters are 49,149 bytes.
    await create({ userData: '€'.repeat(16_383) }).expect(201);
    await create({ userData: '€'.repeat(16_384) }).expect(400);
  });

  it('checks every named cloud object as the caller sees it, and answers 422 naming each missing one', async () => {
    const res = await create({
      keyName: 'nobody',
      securityGroups: ['default', 'no-such-group'],
      availabilityZone: 'moon',
      serverGroup: { id: '7d0e0b36-0000-4000-8000-000000000000' },
      bootVolume: { sizeGiB: 10, volumeType: 'platinum' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'launch.keyName', reason: 'you have no key pair named nobody (Nova keeps key pairs per user)' }),
      expect.objectContaining({
        field: 'launch.securityGroups.1',
        reason: 'no security group named or with id no-such-group in the project',
      }),
      expect.objectContaining({ field: 'launch.availabilityZone', reason: 'no available zone moon; the cloud has nova' }),
      expect.objectContaining({ field: 'launch.serverGroup.id' }),
      expect.objectContaining({ field: 'launch.bootVolume.volumeType', reason: expect.stringContaining('no volume type platinum') }),
    ]);
    // Another user's key pair is not theirs to use: demo has none.
    const demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    const asDemo = await kit
      .http()
      .post('/v1/schedules')
      .set('x-auth-token', demo)
      .send(onceBody(kit, { networkIds: [kit.refs.networkIds[0]], launch: { keyName: 'ops' } }));
    expect(asDemo.status).toBe(422);
    expect(fieldsOf(asDemo.body)).toEqual(expect.arrayContaining(['launch.keyName']));
  });

  it('validates launch options in a preview too, without asking the cloud', async () => {
    const body = onceBody(kit);
    const res = await kit
      .http()
      .post('/v1/schedules/preview')
      .send({ window: body['window'], launch: { tags: ['peak-x'], keyName: 'nobody' } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['launch.tags']);
    await kit
      .http()
      .post('/v1/schedules/preview')
      .send({ window: body['window'], launch: { keyName: 'nobody' } })
      .expect(200);
  });

  it('lists what the launch options may name, for the console', async () => {
    expect((await kit.http().get('/v1/keypairs').expect(200)).body).toEqual([
      { name: 'ops', type: 'ssh', fingerprint: expect.any(String) },
    ]);
    expect((await kit.http().get('/v1/security-groups').expect(200)).body.map((g: { name: string }) => g.name)).toEqual(['default', 'web']);
    expect((await kit.http().get('/v1/availability-zones').expect(200)).body).toEqual([{ name: 'nova' }]);
    expect((await kit.http().get('/v1/volume-types').expect(200)).body.map((t: { name: string }) => t.name)).toEqual(['__DEFAULT__']);
    expect(Array.isArray((await kit.http().get('/v1/server-groups').expect(200)).body)).toBe(true);
  });
  // Last: it expires every token, the test app's own too.
  it('says a boot volume cannot be had on a cloud without block storage (Cinder)', async () => {
    // Tokens issued from now on carry a catalog without Cinder, as on a cloud that has none (the API's own too).
    await kit.sim.control.configure({ blockStorage: false });
    await kit.sim.control.expireTokens();
    try {
      const demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
      const res = await kit
        .http()
        .post('/v1/schedules')
        .set('x-auth-token', demo)
        .send(onceBody(kit, { networkIds: [kit.refs.networkIds[0]], launch: { bootVolume: { sizeGiB: 10 } } }));
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          field: 'launch.bootVolume',
          reason: 'the cloud has no block storage (Cinder): VMs cannot boot from a volume',
        }),
      ]);
      expect((await kit.http().get('/v1/volume-types?refresh=true').set('x-auth-token', demo).expect(200)).body).toEqual([]);
    } finally {
      await kit.sim.control.configure({ blockStorage: true });
      await kit.sim.control.expireTokens();
    }
  });
});
