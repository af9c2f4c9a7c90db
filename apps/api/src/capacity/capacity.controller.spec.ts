import { keystoneToken } from '../testing/keystone-token';
import type { CapacityCheckDto, CapacityDto, CapacityErrorDto } from './dto/capacity.dto';
import type { SavedScheduleDto } from '../schedules/dto/schedule.dto';
import type { SchedulePreviewDto } from '../schedules/dto/occurrence.dto';
import { OpenStackClient } from '@peak/openstack-client';
import { insertRun, recurringBody, startSchedulesTestKit, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { CapacityController } from './capacity.controller';

const HOUR = 3_600_000;

/**
 * The fit check against the simulator's quota over real HTTP. The admin project's quota is lowered to 5 instances;
 * schedule A (4 VMs) is saved, then B (3 VMs) overlaps it by an hour: 7 VMs wanted where 5 are left.
 */
describe(`${CapacityController.name} and the fit check of /v1/schedules`, () => {
  jest.setTimeout(60_000);
  let kit: SchedulesTestKit;
  let a: SavedScheduleDto;
  /** Windows are placed relative to the kit's clock: tomorrow, at the same hours. */
  let tomorrow: number;

  const once = (name: string, instanceCount: number, fromHour: number, toHour: number) =>
    recurringBody(kit, {
      name,
      instanceCount,
      flavorId: '1', // m1.tiny: 1 vCPU, 512 MB, so only the instance count is short
      timeZone: 'UTC',
      leadTimeMinutes: 0,
      window: {
        type: 'once',
        startAt: new Date(tomorrow + fromHour * HOUR).toISOString(),
        endAt: new Date(tomorrow + toHour * HOUR).toISOString(),
      },
    });
  const at = (hour: number) => new Date(tomorrow + hour * HOUR).toISOString();

  beforeAll(async () => {
    kit = await startSchedulesTestKit('capacity_api');
    const now = kit.clock.now();
    tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    await kit.sim.control.setQuotas({ instances: 5 }, 'admin');
    a = (
      await kit
        .http()
        .post('/v1/schedules')
        .send(once('A', 4, 10, 12))
        .expect(201)
    ).body as SavedScheduleDto;
  });

  afterAll(() => kit?.close());

  async function untilDeleted(serverId: string): Promise<void> {
    for (let tries = 0; (await kit.sim.control.servers()).some((s) => s.id === serverId); tries++) {
      if (tries > 500) throw new Error(`server ${serverId} was never deleted`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const conflictAB = () => ({
    from: at(11),
    to: at(12),
    resource: 'instances',
    needed: 7,
    available: 5,
    schedules: [
      { id: a.id, name: 'A' },
      { id: expect.any(String), name: 'B' },
    ],
  });

  it('answers a save that fits with fits: true', () => {
    expect(a.capacity).toEqual({
      fits: true,
      horizonEnd: new Date(kit.clock.now().getTime() + 30 * 24 * HOUR).toISOString(),
      conflicts: [],
      reason: null,
    });
  });

  it('previews B: a conflict from 11:00 to 12:00 on instances, 7 needed where 5 are available, naming A and B', async () => {
    const body = once('B', 3, 11, 13);
    const res = await kit
      .http()
      .post('/v1/schedules/preview')
      .send({ window: body['window'], timeZone: 'UTC', leadTimeMinutes: 0, name: 'B', instanceCount: 3, flavorId: '1' })
      .expect(200);
    const preview = res.body as SchedulePreviewDto;
    expect(preview.occurrences.map((o) => o.start)).toEqual([at(11)]);
    expect(preview.capacity).toEqual({ fits: false, horizonEnd: expect.any(String), conflicts: [conflictAB()], reason: null });

    // Without the size there is nothing to check.
    const timingOnly = await kit.http().post('/v1/schedules/preview').send({ window: body['window'], timeZone: 'UTC' }).expect(200);
    expect(timingOnly.body).not.toHaveProperty('capacity');
  });

  it("counts boot volumes' GiB against Cinder's gigabytes quota, less the project's other volumes", async () => {
    await kit.sim.control.setQuotas({ gigabytes: 50 }, 'admin');
    const client = kit.app.get(OpenStackClient);
    // Someone else's volume in the project: 4 GiB of the 50 are not the schedules' to use.
    const bystander = await client.compute.createServer({
      name: 'someone-elses-volume',
      imageId: kit.refs.imageId,
      flavorId: '2',
      networks: 'none',
      bootVolume: { sizeGiB: 4, deleteOnTermination: true },
    });
    try {
      const window = once('D', 3, 18, 19)['window'];
      const preview = async (sizeGiB: number) =>
        (
          await kit
            .http()
            .post('/v1/schedules/preview')
            .send({
              window,
              timeZone: 'UTC',
              leadTimeMinutes: 0,
              name: 'D',
              instanceCount: 3,
              flavorId: '2',
              launch: { bootVolume: { sizeGiB } },
            })
            .expect(200)
        ).body as SchedulePreviewDto;
      expect((await preview(20)).capacity).toEqual({
        fits: false,
        horizonEnd: expect.any(String),
        conflicts: [
          { from: at(18), to: at(19), resource: 'volumeGb', needed: 60, available: 46, schedules: [{ id: expect.any(String), name: 'D' }] },
        ],
        reason: null,
      });
      expect((await preview(15)).capacity?.fits).toBe(true);
    } finally {
      await client.compute.deleteServer(bystander.id);
      await kit.sim.control.setQuotas({ gigabytes: 1000 }, 'admin');
      // The other tests count the project's servers: wait until Nova no longer does.
      await untilDeleted(bystander.id);
    }
  });

  it('refuses B with 422 when enforced, and saves nothing', async () => {
    const res = await kit
      .http()
      .post('/v1/schedules?enforceCapacity=true')
      .send(once('B', 3, 11, 13))
      .expect(422);
    const error = res.body as CapacityErrorDto;
    expect(error.message).toMatch(/instances needed 7, available 5 .*\(A, B\)/);
    expect(error.capacity).toEqual({ fits: false, horizonEnd: expect.any(String), conflicts: [conflictAB()], reason: null });
    const listed = (await kit.http().get('/v1/schedules').expect(200)).body as { items: { name: string }[] };
    expect(listed.items.map((s) => s.name)).toEqual(['A']);
  });

  let b: SavedScheduleDto;

  it('saves B with the warning by default (201, fits: false)', async () => {
    b = (
      await kit
        .http()
        .post('/v1/schedules')
        .send(once('B', 3, 11, 13))
        .expect(201)
    ).body as SavedScheduleDto;
    expect(b.capacity).toEqual({
      fits: false,
      horizonEnd: expect.any(String),
      conflicts: [
        {
          ...conflictAB(),
          schedules: [
            { id: a.id, name: 'A' },
            { id: b.id, name: 'B' },
          ],
        },
      ],
      reason: null,
    });
  });

  it('counts a changed schedule in place of its saved version', async () => {
    // B at 1 VM fits beside A's 4 only if its old 3 no longer count.
    const res = await kit
      .http()
      .patch(`/v1/schedules/${b.id}?enforceCapacity=true`)
      .send({ version: b.version, instanceCount: 1 })
      .expect(200);
    expect((res.body as SavedScheduleDto).capacity.fits).toBe(true);
    const back = await kit
      .http()
      .patch(`/v1/schedules/${b.id}?enforceCapacity=true`)
      .send({ version: b.version + 1, instanceCount: 3 })
      .expect(422);
    expect((back.body as CapacityErrorDto).capacity.conflicts).toHaveLength(1);
    const kept = (await kit.http().get(`/v1/schedules/${b.id}`).expect(200)).body as SavedScheduleDto;
    expect(kept.instanceCount).toBe(1);
  });

  it('GET /v1/capacity: the demand per resource as steps, the quota line and the conflicts', async () => {
    await kit
      .http()
      .patch(`/v1/schedules/${b.id}`)
      .send({ version: b.version + 1, instanceCount: 3 })
      .expect(200);
    const res = await kit
      .http()
      .get('/v1/capacity')
      .query({ from: at(9), to: at(14) })
      .expect(200);
    const capacity = res.body as CapacityDto;
    expect(capacity).toMatchObject({ from: at(9), to: at(14), fits: false, reason: null, conflicts: [conflictAB()] });
    const instances = capacity.resources.find((r) => r.resource === 'instances');
    expect(instances).toEqual({
      resource: 'instances',
      limit: 5,
      usageNotOurs: 0,
      available: 5,
      steps: [
        { at: at(9), value: 0 },
        { at: at(10), value: 4 },
        { at: at(11), value: 7 },
        { at: at(12), value: 3 },
        { at: at(13), value: 0 },
      ],
    });
    expect(capacity.resources.find((r) => r.resource === 'vcpus')?.steps.map((s) => s.value)).toEqual([0, 4, 7, 3, 0]);
    expect(capacity.resources.find((r) => r.resource === 'ramMb')?.steps.map((s) => s.value)).toEqual([0, 2048, 3584, 1536, 0]);
    expect(capacity.contributions.map((c) => [c.schedule.name, c.from, c.to, c.instances])).toEqual([
      ['A', at(10), at(12), 4],
      ['B', at(11), at(13), 3],
    ]);
  });

  it('GET /v1/capacity: a member sees their own project, and gets 403 for another', async () => {
    const demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    const own = (await kit.http().get('/v1/capacity').set('x-auth-token', demo).expect(200)).body as CapacityDto;
    expect(own.contributions).toEqual([]);
    expect(own.fits).toBe(true);
    await kit.http().get('/v1/capacity').query({ projectId: a.projectId }).set('x-auth-token', demo).expect(403);
    // A cloud admin may ask about any project.
    const theirs = (await kit.http().get('/v1/capacity').query({ projectId: own.projectId }).expect(200)).body as CapacityDto;
    expect(theirs.projectId).toBe(own.projectId);
  });

  it('GET /v1/capacity: 400 for a range ending before it starts', async () => {
    await kit
      .http()
      .get('/v1/capacity')
      .query({ from: at(14), to: at(9) })
      .expect(400);
  });

  it('saves with fits: null and a reason when the quota cannot be read', async () => {
    const fault = await kit.sim.control.addFault({ service: 'compute', method: 'GET', path: '/compute/v2.1/limits', status: 500 });
    try {
      const res = await kit
        .http()
        .post('/v1/schedules?enforceCapacity=true')
        .send(once('C', 5, 15, 16))
        .expect(201);
      const check = (res.body as SavedScheduleDto).capacity as CapacityCheckDto;
      expect(check.fits).toBeNull();
      expect(check.conflicts).toEqual([]);
      expect(check.reason).toMatch(/quota could not be read/);
    } finally {
      await kit.sim.control.removeFault(fault.id);
    }
  });

  it('sets peak_capacity_shortfall per project and resource', async () => {
    // C (5 VMs, 15:00-16:00) fits alone; A and B still overlap by 2 instances.
    await kit.http().get('/v1/capacity').expect(200);
    const metrics = (await kit.http().get('/metrics').expect(200)).text;
    expect(metrics).toContain(`peak_capacity_shortfall{project_id="${a.projectId}",resource="instances"} 2`);
    expect(metrics).toContain(`peak_capacity_shortfall{project_id="${a.projectId}",resource="vcpus"} 0`);
  });

  it("takes the project's other usage off the quota, but not the VMs the engine holds", async () => {
    const client = kit.app.get(OpenStackClient);
    const instancesLine = async () =>
      (
        (
          await kit
            .http()
            .get('/v1/capacity')
            .query({ from: at(9), to: at(14) })
            .expect(200)
        ).body as CapacityDto
      ).resources[0];
    const bystander = await client.compute.createServer({
      name: 'someone-elses-vm',
      imageId: kit.refs.imageId,
      flavorId: '2', // m1.small: the image needs more disk than m1.tiny has
      networks: [{ networkId: kit.refs.networkIds[0] as string }],
    });
    try {
      expect(await instancesLine()).toMatchObject({ resource: 'instances', limit: 5, usageNotOurs: 1, available: 4 });
      // Once a run of A holds a VM, the project's one server counts as the schedules' own.
      await insertRun(kit, a.id, { windowStart: at(10), durationMinutes: 120, state: 'active', vms: [{ status: 'ACTIVE' }] });
      expect(await instancesLine()).toMatchObject({ resource: 'instances', limit: 5, usageNotOurs: 0, available: 5 });
    } finally {
      await client.compute.deleteServer(bystander.id);
    }
  });

  it('GET /v1/capacity: a window counts from its provisioning (the lead time) and a series to the end of its last window, nothing outside', async () => {
    // Forty days on, away from the other tests' windows (and beyond the save's 30-day horizon).
    const day = 40 * 24;
    await kit
      .http()
      .post('/v1/schedules')
      .send({ ...once('far-C', 1, day + 10, day + 12), leadTimeMinutes: 120 })
      .expect(201);
    const series = {
      type: 'recurring',
      cron: '0 10 * * *',
      durationMinutes: 60,
      validFrom: at(day + 24 + 10),
      // Windows start on day+1 and day+2 at 10:00; the last runs to 11:00, past validUntil.
      validUntil: at(day + 48 + 10.5),
    };
    await kit
      .http()
      .post('/v1/schedules')
      .send(recurringBody(kit, { name: 'far-D', instanceCount: 1, flavorId: '1', timeZone: 'UTC', leadTimeMinutes: 30, window: series }))
      .expect(201);
    const contributions = async (from: number, to: number) =>
      (
        (
          await kit
            .http()
            .get('/v1/capacity')
            .query({ from: at(from), to: at(to) })
            .expect(200)
        ).body as CapacityDto
      ).contributions.map((c) => [c.schedule.name, c.from, c.to]);

    // C's VMs exist from 08:00, two hours before its window.
    expect(await contributions(day + 8.5, day + 9)).toEqual([['far-C', at(day + 8.5), at(day + 9)]]);
    expect(await contributions(day + 12, day + 24 + 9.5)).toEqual([]);
    // D's first window provisions from 09:30, before validFrom.
    expect(await contributions(day + 24 + 9, day + 24 + 10)).toEqual([['far-D', at(day + 24 + 9.5), at(day + 24 + 10)]]);
    // Its last started before validUntil and is counted after it, to 11:00; then nothing.
    expect(await contributions(day + 48 + 10.75, day + 48 + 12)).toEqual([['far-D', at(day + 48 + 10.75), at(day + 48 + 11)]]);
    expect(await contributions(day + 48 + 11, day + 72 + 12)).toEqual([]);
  });
});
