import { OpenStackClient } from '@peak/openstack-client';
import { DataSource } from 'typeorm';
import { RunEntity } from '../runs/entities/run.entity';
import { bootableRefs, onceBody, settlePasses, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { ADMIN, keystoneToken } from '../testing/keystone-token';
import { createSecurityGroup, importKeypair } from '../testing/launch-fixtures';
import type { EngineService } from './engine.service';
import { OWNER_TAG } from './ownership';
import { startEngineKit } from './testing/engine-kit';

const T0 = '2026-11-23T07:00:00Z';
const USER_DATA = '#cloud-config\nruncmd:\n  - [systemctl, start, exam-worker]\n';

/**
 * The engine launches VMs as the schedule's launch options say, read back through Nova's own API; the server group
 * it made for the run and the boot volumes go with the run. Passes run by hand with a manual clock.
 */
describe('VMs launched with the schedule’s launch options', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  let cloud: OpenStackClient;
  let bootable: { imageId: string; flavorId: string };
  let adminToken: string;

  beforeAll(async () => {
    ({ kit, engine: sut } = await startEngineKit('launch-engine', T0, { behaviour: { buildDelayMs: 30, deleteDelayMs: 30 } }));
    cloud = kit.app.get(OpenStackClient);
    bootable = await bootableRefs(kit);
    const { token } = await keystoneToken(kit.sim.authUrl, ADMIN);
    adminToken = token;
    await importKeypair(kit.sim, token, 'ops');
    await createSecurityGroup(kit.sim, token, 'web');
  });

  afterAll(() => kit?.close());

  const runOf = async (scheduleId: string) =>
    (
      await kit.app
        .get(DataSource)
        .getRepository(RunEntity)
        .find({ where: { scheduleId }, relations: { vms: true } })
    )[0];
  const ours = async () => (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);

  const settle = (done: () => Promise<boolean>, what: string) => settlePasses(kit, () => sut.runPassNow(), done, what);

  function windowIn(minutes: number, durationMinutes: number) {
    const start = new Date(kit.clock.now().getTime() + minutes * 60_000);
    return { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + durationMinutes * 60_000).toISOString() };
  }

  it('creates VMs with the key, security groups, user data, metadata, tags, group, boot volume and hostnames, and removes the group and volumes after', async () => {
    kit.clock.set(T0);
    const launch = {
      keyName: 'ops',
      securityGroups: ['default', 'web'],
      userData: USER_DATA,
      metadata: { role: 'exam-worker' },
      tags: ['exams'],
      serverGroup: { policy: 'soft-anti-affinity' },
      bootVolume: { sizeGiB: 1 },
      configDrive: true,
      description: 'exam peak worker',
      hostnamePrefix: 'exam',
    };
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(onceBody(kit, { ...bootable, instanceCount: 2, leadTimeMinutes: 0, window: windowIn(5, 30), launch }));
    expect(created.status).toBe(201);
    const scheduleId = created.body.id as string;

    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runOf(scheduleId))?.state === 'active', 'active');
    const run = await runOf(scheduleId);
    expect(run?.launch).toEqual({
      imageId: bootable.imageId,
      flavorId: bootable.flavorId,
      networkIds: created.body.networkIds,
      options: created.body.launch,
    });

    // Read back through Nova, as `openstack server show` would.
    const servers = await Promise.all((await ours()).map((s) => cloud.compute.getServer(s.id)));
    expect(servers).toHaveLength(2);
    const group = (await cloud.compute.listServerGroups()).find((g) => g.name === `peak-run-${run?.id}`);
    expect(group).toMatchObject({ policy: 'soft-anti-affinity', id: run?.serverGroupId });
    expect([...(group?.members ?? [])].sort()).toEqual(servers.map((s) => s.id).sort());
    for (const server of servers) {
      expect(server.keyName).toBe('ops');
      expect([...(server.securityGroups ?? [])].sort()).toEqual(['default', 'web']);
      expect(server.metadata).toMatchObject({ role: 'exam-worker', 'peak-scheduler:schedule-id': scheduleId });
      expect(server.tags).toEqual(expect.arrayContaining(['exams', OWNER_TAG, `peak-schedule:${scheduleId}`]));
      expect(server.configDrive).toBe(true);
      expect(server.description).toBe('exam peak worker');
      expect(server.volumeIds).toHaveLength(1);
    }
    expect(servers.map((s) => s.hostname).sort()).toEqual(['exam-1', 'exam-2']);
    // User data as Nova keeps it (base64), in the admin view of each server.
    for (const server of servers) {
      const raw = await fetch(`${kit.sim.url}/compute/v2.1/servers/${server.id}`, {
        headers: { 'x-auth-token': adminToken, 'openstack-api-version': 'compute 2.75' },
      });
      expect(((await raw.json()) as { server: Record<string, unknown> }).server['OS-EXT-SRV-ATTR:user_data']).toBe(b64(USER_DATA));
    }
    const volumes = await cloud.blockStorage.listVolumes({ projectId: created.body.projectId });
    const bootVolumes = volumes.filter((v) => servers.some((s) => s.volumeIds?.includes(v.id)));
    expect(bootVolumes.map((v) => [v.status, v.sizeGiB, v.bootable])).toEqual([
      ['in-use', 1, true],
      ['in-use', 1, true],
    ]);

    // Changed mid-window: the live run keeps what it started with (a replacement VM too); the next window gets the new.
    await kit
      .http()
      .patch(`/v1/schedules/${scheduleId}`)
      .send({ version: created.body.version, launch: { tags: ['changed'] } })
      .expect(200);
    await kit.sim.control.removeServer(servers[0]?.id ?? '');
    await settle(async () => (await ours()).length === 2 && (await ours()).every((s) => s.status === 'ACTIVE'), 'replaced');
    const replacement = (await ours()).find((s) => s.id !== servers[1]?.id);
    expect(replacement?.tags).toContain('exams');
    expect(replacement?.tags).not.toContain('changed');

    // After the window: no VM, no group made for the run, no boot volume.
    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runOf(scheduleId))?.state === 'completed', 'completed');
    await settle(async () => (await runOf(scheduleId))?.serverGroupId === null, 'the group released');
    expect(await ours()).toHaveLength(0);
    expect((await cloud.compute.listServerGroups()).map((g) => g.name)).not.toContain(`peak-run-${run?.id}`);
    const left = await cloud.blockStorage.listVolumes({ projectId: created.body.projectId });
    expect(left.filter((v) => bootVolumes.some((b) => b.id === v.id))).toEqual([]);
  });

  it("records Nova's fault on the run when a launch option cannot be placed (hard anti-affinity on one host)", async () => {
    kit.clock.set(T0);
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          ...bootable,
          instanceCount: 2,
          leadTimeMinutes: 0,
          window: windowIn(5, 30),
          launch: { serverGroup: { policy: 'anti-affinity' } },
        }),
      )
      .expect(201);
    kit.clock.advance(5 * 60_000);
    await settle(
      async () => ((await runOf(created.body.id))?.vms ?? []).some((vm) => (vm.faultMessage ?? '').includes('No valid host')),
      'a fault',
    );
    const run = await runOf(created.body.id);
    expect((run?.vms ?? []).filter((vm) => vm.status === 'ACTIVE')).toHaveLength(1);
    expect((run?.vms ?? []).map((vm) => vm.faultMessage)).toContainEqual(expect.stringContaining('No valid host was found'));
    kit.clock.advance(30 * 60_000);
    await settle(async () => ['completed', 'partial', 'failed'].includes((await runOf(created.body.id))?.state ?? ''), 'over');
    await settle(async () => (await runOf(created.body.id))?.serverGroupId === null, 'the group released');
  });
});

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
