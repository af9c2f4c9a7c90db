import { OpenStackClient } from '@peak/openstack-client';
import type { SimServerInfo } from '@peak/openstack-sim';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { RunEntity } from '../runs/entities/run.entity';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { bootableRefs, onceBody, recurringBody, settlePasses, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { EngineService } from './engine.service';
import { OWNER_TAG, ownershipOf } from './ownership';
import { startEngineKit } from './testing/engine-kit';

const T0 = '2026-11-23T07:00:00Z'; // a Monday, 08:00 in Rome

/** Passes are run by hand with a manual clock; the simulator builds and deletes VMs in real (short) time. */
describe(EngineService.name, () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  /** An image and a flavor that boot together (Nova refuses a flavor disk below the image's minimum). */
  let bootable: { imageId: string; flavorId: string };

  beforeAll(async () => {
    ({ kit, engine: sut } = await startEngineKit('engine', T0, { env: { ENGINE_CREATE_GRACE_MS: '200', ENGINE_DELETE_RETRY_MS: '500' } }));
    bootable = await bootableRefs(kit);
  });

  afterAll(() => kit?.close());

  beforeEach(async () => {
    await kit.sim.control.reset({ keepTokens: true });
    await kit.sim.control.configure({ buildDelayMs: 30, deleteDelayMs: 30, serverErrorRate: 0 });
  });

  const ours = async (): Promise<SimServerInfo[]> => (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
  const runsOf = (scheduleId: string) =>
    kit.app
      .get(DataSource)
      .getRepository(RunEntity)
      .find({ where: { scheduleId }, relations: { vms: true }, order: { windowStart: 'ASC' } });

  /**
   * Runs passes until `done` holds. Between passes real time passes for the simulator (building, deleting)
   * and the manual clock moves a second, so the engine's backoffs elapse.
   */
  const settle = (done: () => Promise<boolean>, what: string, timeoutMs?: number) =>
    settlePasses(kit, () => sut.runPassNow(), done, what, timeoutMs);

  async function create(body: Record<string, unknown>): Promise<{ id: string; name: string; projectId: string }> {
    const res = await kit.http().post('/v1/schedules').send(body);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; name: string; projectId: string };
  }

  function onceIn(minutesFromNow: number, durationMinutes: number, overrides: Record<string, unknown> = {}) {
    const start = new Date(kit.clock.now().getTime() + minutesFromNow * 60_000);
    return onceBody(kit, {
      ...bootable,
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + durationMinutes * 60_000).toISOString() },
      ...overrides,
    });
  }

  it('creates N VMs at the start of a one-off window, tagged and named, and none are left after its end', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(10, 30, { instanceCount: 3 }));

    await sut.runPassNow();
    expect(await ours()).toHaveLength(0); // before the window

    kit.clock.advance(10 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'run active');
    const servers = await ours();
    expect(servers.map((s) => ownershipOf(s)?.slot).sort()).toEqual([1, 2, 3]);
    expect(servers.every((s) => s.tags.includes(`peak-schedule:${schedule.id}`))).toBe(true);
    expect(new Set(servers.map((s) => s.name)).size).toBe(3);

    const [active] = await runsOf(schedule.id);
    // The capacity re-check ran as the run opened: 3 VMs fit the simulator's default quota.
    expect(active).toMatchObject({ state: 'active', desiredCount: 3, latenessSeconds: 0, expectedShortfall: [] });
    expect(active?.readyAt).not.toBeNull();
    expect(active?.vms?.every((vm) => vm.status === 'ACTIVE' && vm.serverId && vm.activeAt)).toBe(true);
    const metrics = (await kit.http().get('/metrics').expect(200)).text;
    // The series carry the schedule's project: the admin token that created it was scoped to project admin.
    const labels = `schedule_id="${schedule.id}",schedule="${schedule.name}",project_id="${schedule.projectId}",project="admin"`;
    expect(metrics).toContain(`peak_vms_desired{${labels}} 3`);
    expect(metrics).toContain(`peak_vms_active{${labels}} 3`);
    expect(metrics).toMatch(/peak_dispatch_lateness_seconds_count\{action="provision"\} [1-9]/);
    expect(metrics).toContain('peak_engine_leader 1');

    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'run completed');
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    const [done] = await runsOf(schedule.id);
    expect(done?.tornDownAt).not.toBeNull();
    expect(done?.vms?.every((vm) => vm.status === 'DELETED' && vm.deletedAt)).toBe(true);
  });

  it('does so on each occurrence of a recurring schedule, honouring the lead time', async () => {
    kit.clock.set(T0); // Monday 08:00 Rome
    const schedule = await create(
      recurringBody(kit, {
        ...bootable,
        instanceCount: 2,
        leadTimeMinutes: 10,
        window: { type: 'recurring', cron: '0 9,11 * * *', durationMinutes: 30 },
      }),
    );
    for (const [provisionAt, end] of [
      ['2026-11-23T07:50:00Z', '2026-11-23T08:30:00Z'],
      ['2026-11-23T09:50:00Z', '2026-11-23T10:30:00Z'],
    ] as const) {
      kit.clock.set(new Date(new Date(provisionAt).getTime() - 1000));
      await sut.runPassNow();
      expect(await ours()).toHaveLength(0);
      kit.clock.set(provisionAt);
      await settle(async () => (await runsOf(schedule.id)).at(-1)?.state === 'active', `run active from ${provisionAt}`);
      expect(await ours()).toHaveLength(2);
      kit.clock.set(end);
      await settle(async () => (await runsOf(schedule.id)).every((r) => r.state === 'completed'), `run closed after ${end}`);
      expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    }
    const runs = await runsOf(schedule.id);
    expect(runs.map((r) => [r.windowStart.toISOString(), r.state])).toEqual([
      ['2026-11-23T08:00:00.000Z', 'completed'],
      ['2026-11-23T10:00:00.000Z', 'completed'],
    ]);
  });

  it('replaces VMs that go ERROR, up to the attempt limit, then reports the run degraded', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 2 }));
    await kit.sim.control.configure({ serverErrorRate: 1, serverFaultMessage: 'No valid host was found.' });
    kit.clock.advance(5 * 60_000);
    const maxAttempts = 3;
    await settle(async () => (await runsOf(schedule.id))[0]?.vms?.every((vm) => vm.status === 'FAILED') === true, 'both slots given up');
    const [run] = await runsOf(schedule.id);
    expect(run).toMatchObject({ state: 'degraded', shortfallReason: 'attempts_exhausted' });
    expect(run?.vms?.map((vm) => [vm.status, vm.attempts, vm.faultMessage])).toEqual([
      ['FAILED', maxAttempts, 'No valid host was found.'],
      ['FAILED', maxAttempts, 'No valid host was found.'],
    ]);
    const posts = await kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });
    expect(posts).toHaveLength(2 * maxAttempts);
    await settle(async () => (await kit.sim.control.servers({ tag: OWNER_TAG })).length === 0, 'ERROR VMs removed');

    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'failed', 'failed: never up');
    const [failed] = await runsOf(schedule.id);
    expect(failed?.shortfallReason).toBe('attempts_exhausted');
    expect(failed?.vms?.map((vm) => [vm.status, vm.shortfallReason])).toEqual([
      ['FAILED', 'attempts_exhausted'],
      ['FAILED', 'attempts_exhausted'],
    ]);
  });

  it("treats a VM that Nova's quota recheck put in ERROR as a quota error: recorded on the run, no attempt used up, retried", async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 1 }));
    const quotaFault = 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances';
    await kit.sim.control.configure({ serverErrorRate: 1, serverFaultMessage: quotaFault });
    kit.clock.advance(5 * 60_000);
    const maxAttempts = 3;
    const posts = () => kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });
    // More creates than the attempt limit allows for failed builds, and the slot is never given up.
    await settle(async () => (await posts()).length > maxAttempts + 1, `more than ${maxAttempts + 1} creates`);
    const [during] = await runsOf(schedule.id);
    expect(during).toMatchObject({ state: 'degraded', shortfallReason: 'quota', lastErrorMessage: quotaFault });
    expect(during?.vms?.[0]?.status).not.toBe('FAILED');
    expect(during?.vms?.[0]?.attempts).toBeLessThanOrEqual(1);

    await kit.sim.control.configure({ serverErrorRate: 0 });
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active once the quota has room');
    const [run] = await runsOf(schedule.id);
    expect(run?.vms?.[0]).toMatchObject({ status: 'ACTIVE', attempts: 1, faultMessage: quotaFault });
    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
  });

  it('replaces a VM that goes ERROR during the window and is ACTIVE again with the replacement', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 1 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active');
    const first = (await ours())[0] as SimServerInfo;
    await kit.sim.control.setServerStatus(first.id, 'ERROR', 'Host failure');

    await settle(async () => {
      const vm = (await runsOf(schedule.id))[0]?.vms?.[0];
      return vm?.status === 'ACTIVE' && vm.serverId !== first.id;
    }, 'ACTIVE with the replacement');
    const [run] = await runsOf(schedule.id);
    expect(run?.vms?.[0]).toMatchObject({ status: 'ACTIVE', attempts: 2, faultMessage: 'Host failure' });
    expect((await ours()).map((s) => s.id)).toEqual([run?.vms?.[0]?.serverId]);
    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
  });

  it('records quota exhaustion on the run, keeps retrying, and fills the window once quota allows', async () => {
    kit.clock.set(T0);
    await kit.sim.control.setQuotas({ instances: 1 }, 'admin');
    const schedule = await create(onceIn(5, 60, { instanceCount: 3 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.lastErrorMessage?.includes('Quota exceeded') === true, 'quota recorded');
    const [run] = await runsOf(schedule.id);
    expect(run).toMatchObject({ state: 'degraded', shortfallReason: 'quota' });
    expect(run?.lastErrorRequestId).toMatch(/^req-/);
    await sleep(100);
    await sut.runPassNow(); // retried with backoff, no crash
    expect((await ours()).length).toBe(1);

    await kit.sim.control.setQuotas({ instances: 10 }, 'admin');
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active after quota raised');
    expect(await ours()).toHaveLength(3);
    expect((await runsOf(schedule.id))[0]?.shortfallReason).toBeNull();
    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
  });

  describe('a window the quota cannot fill (3 of 5)', () => {
    beforeEach(() => kit.sim.control.setQuotas({ instances: 3 }, 'admin'));
    afterEach(() => kit.sim.control.setQuotas({ instances: 10 }, 'admin'));

    const degradedByQuota = async (scheduleId: string) => {
      const [run] = await runsOf(scheduleId);
      return run?.state === 'degraded' && run.vms?.filter((vm) => vm.status === 'ACTIVE').length === 3;
    };

    it('reads degraded with its reason while live, then ends once, with every slot closed and nothing left', async () => {
      kit.clock.set(T0);
      const schedule = await create(onceIn(5, 30, { instanceCount: 5 }));
      kit.clock.advance(5 * 60_000);
      await settle(() => degradedByQuota(schedule.id), 'degraded at 3 of 5');
      const [live] = await runsOf(schedule.id);
      expect(live).toMatchObject({ state: 'degraded', shortfallReason: 'quota', desiredCount: 5, endedAt: null });
      const shown = (await kit.http().get(`/v1/schedules/${schedule.id}`).expect(200)).body as Record<string, unknown>;
      expect(shown).toMatchObject({
        state: 'degraded',
        latestRun: { state: 'degraded', shortfallReason: 'quota', activeCount: 3, desiredCount: 5 },
      });

      kit.clock.advance(30 * 60_000);
      await settle(async () => (await runsOf(schedule.id))[0]?.state === 'partial', 'run ended partial');
      expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
      const [ended] = await runsOf(schedule.id);
      expect(ended).toMatchObject({ shortfallReason: 'quota' });
      // Which three slots got a VM depends on the order Nova took the parallel creates.
      expect(ended?.vms?.map((vm) => `${vm.status} ${vm.shortfallReason}`).sort()).toEqual([
        'DELETED null',
        'DELETED null',
        'DELETED null',
        'NOT_CREATED quota',
        'NOT_CREATED quota',
      ]);

      // Further passes, minutes apart, leave the ended run exactly as it is.
      for (let i = 0; i < 3; i++) {
        kit.clock.advance(60_000);
        await sut.runPassNow();
      }
      const [later] = await runsOf(schedule.id);
      expect(later).toEqual(ended);
      const history = (await kit.http().get(`/v1/schedules/${schedule.id}/runs`).expect(200)).body as { items: Record<string, unknown>[] };
      expect(history.items[0]).toMatchObject({ state: 'partial', shortfallReason: 'quota' });
      expect(history.items[0]?.['endedAt']).toBe(ended?.endedAt?.toISOString());

      // Nothing of it is live any more: the schedule goes at once.
      await kit.http().delete(`/v1/schedules/${schedule.id}`).expect(204);
      await kit.http().get(`/v1/schedules/${schedule.id}`).expect(404);
    });

    it('recovers to active when the quota is raised mid-window, then completes', async () => {
      kit.clock.set(T0);
      const schedule = await create(onceIn(5, 30, { instanceCount: 5 }));
      kit.clock.advance(5 * 60_000);
      await settle(() => degradedByQuota(schedule.id), 'degraded at 3 of 5');

      await kit.sim.control.setQuotas({ instances: 10 }, 'admin');
      await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active after the quota was raised');
      const [active] = await runsOf(schedule.id);
      expect(active?.shortfallReason).toBeNull();
      expect(active?.vms?.filter((vm) => vm.status === 'ACTIVE')).toHaveLength(5);
      expect(await ours()).toHaveLength(5);

      kit.clock.advance(30 * 60_000);
      await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
      const [done] = await runsOf(schedule.id);
      expect(done?.shortfallReason).toBeNull();
      expect(done?.vms?.every((vm) => vm.status === 'DELETED' && vm.deletedAt)).toBe(true);
    });

    it('removes a schedule deleted during its degraded window once its VMs are gone', async () => {
      kit.clock.set(T0);
      const schedule = await create(onceIn(5, 30, { instanceCount: 5 }));
      kit.clock.advance(5 * 60_000);
      await settle(() => degradedByQuota(schedule.id), 'degraded at 3 of 5');

      await kit.http().delete(`/v1/schedules/${schedule.id}`).expect(202);
      await settle(
        async () => (await kit.app.get(DataSource).getRepository(ScheduleEntity).countBy({ id: schedule.id })) === 0,
        'schedule removed',
      );
      expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    });
  });

  it('closes the slot of a VM deleted behind its back just before the end, so the schedule can be deleted', async () => {
    kit.clock.set(T0);
    const client = kit.app.get(OpenStackClient);
    const schedule = await create(onceIn(5, 30, { instanceCount: 2 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active');
    // Gone at once, and the window over before the engine's next pass: the slot is never refilled, and the
    // teardown never sees its server.
    await kit.sim.control.configure({ deleteDelayMs: 0 });
    const victim = (await ours())[0] as SimServerInfo;
    await client.compute.deleteServer(victim.id);
    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
    const [run] = await runsOf(schedule.id);
    expect(run?.vms?.every((vm) => vm.status === 'DELETED' && vm.deletedAt)).toBe(true);
    await kit.http().delete(`/v1/schedules/${schedule.id}`).expect(204);
  });

  it('backs off deletes Nova refuses, reports them on the run, and removes the VMs once Nova recovers', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 30, { instanceCount: 2 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active');
    const servers = (await ours()).map((s) => s.id);
    const outage = await kit.sim.control.addFault({
      service: 'compute',
      method: 'DELETE',
      path: '/compute/v2.1/servers/*',
      status: 500,
      message: 'Nova is having a bad minute',
    });
    kit.clock.advance(30 * 60_000);
    // A minute of the engine's time, one pass per second: without backoff, each VM would be asked 60 times.
    const attemptsAt: number[][] = [];
    const deletesOf = async (id: string) => (await kit.sim.control.requests({ method: 'DELETE' })).filter((r) => r.path.endsWith(`/${id}`));
    for (let pass = 0; pass < 60; pass++) {
      await sut.runPassNow();
      attemptsAt.push(await Promise.all(servers.map(async (id) => (await deletesOf(id)).length)));
      kit.clock.advance(1000);
    }
    for (const [i, id] of servers.entries()) {
      const counts = attemptsAt.map((perServer) => perServer[i] as number);
      const total = counts[counts.length - 1] as number;
      // Passes at which a new attempt went out, and the gaps between them: they grow.
      const passes = counts.flatMap((count, pass) => (count > (counts[pass - 1] ?? 0) ? [pass] : []));
      const gaps = passes.slice(1).map((pass, k) => pass - (passes[k] as number));
      console.log(`delete attempts for ${id} during a one-minute outage: ${total}, at passes ${passes.join(', ')}`);
      expect(total).toBeGreaterThanOrEqual(3);
      expect(total).toBeLessThanOrEqual(20);
      expect(Math.max(...gaps.slice(-2))).toBeGreaterThan(Math.max(...gaps.slice(0, 2)));
      expect((await deletesOf(id)).every((r) => r.status === 500)).toBe(true);
    }
    const [during] = await runsOf(schedule.id);
    expect(during?.state).toBe('tearing-down');
    expect(during?.lastErrorMessage).toMatch(/Could not delete server .*Nova is having a bad minute/);
    expect(during?.teardownOverdueAt).toBeNull();
    const metrics = (await kit.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/peak_engine_delete_failures_total [1-9]/);

    // Still failing 15 minutes (TEARDOWN_ALERT_MINUTES) into the teardown: announced once, however many passes follow.
    const announced = async () =>
      (
        (await kit.app
          .get(DataSource)
          .query(`SELECT type, data->>'state' AS state FROM event WHERE subject = $1 ORDER BY seq`, [schedule.id])) as {
          type: string;
          state: string;
        }[]
      ).filter((e) => e.type !== 'peak.schedule.created');
    kit.clock.set(new Date((during?.endedAt as Date).getTime() + 15 * 60_000 - 1000));
    await sut.runPassNow();
    expect((await runsOf(schedule.id))[0]?.teardownOverdueAt).toBeNull();
    kit.clock.advance(1000);
    for (let pass = 0; pass < 3; pass++) await sut.runPassNow();
    const [overdue] = await runsOf(schedule.id);
    expect(overdue?.state).toBe('tearing-down');
    expect(overdue?.teardownOverdueAt?.getTime()).toBe((during?.endedAt as Date).getTime() + 15 * 60_000);
    expect((await announced()).filter((e) => e.type === 'peak.run.teardown_failed')).toEqual([
      { type: 'peak.run.teardown_failed', state: 'tearing-down' },
    ]);

    await kit.sim.control.removeFault(outage.id);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed once Nova recovers', 60_000);
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    // (How the window came up is not this test's: the last two announcements are the overdue teardown and its end.)
    const types = (await announced()).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['peak.run.teardown_failed', 'peak.run.completed']);
    expect(types.filter((type) => type === 'peak.run.teardown_failed')).toHaveLength(1);
  });

  it('fails no building VM when the wall clock steps 15 minutes forward, and records a window it stepped over as missed', async () => {
    kit.clock.set(T0);
    const building = await create(onceIn(5, 60, { instanceCount: 2 }));
    const skipped = await create(onceIn(8, 5, { instanceCount: 1 }));
    await kit.sim.control.configure({ buildDelayMs: 1500 });
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await ours()).length === 2, 'both VMs building');
    expect((await ours()).every((s) => s.status === 'BUILD')).toBe(true);

    // NTP (or an operator) steps the clock: 15 minutes pass on the wall, none in reality. The build timeout is 10 minutes.
    kit.clock.jump(15 * 60_000);
    await sut.runPassNow();
    await settle(async () => (await runsOf(building.id))[0]?.state === 'active', 'active with the same VMs');
    const [run] = await runsOf(building.id);
    expect(run?.vms?.map((vm) => [vm.status, vm.attempts])).toEqual([
      ['ACTIVE', 1],
      ['ACTIVE', 1],
    ]);
    expect(await kit.sim.control.requests({ method: 'DELETE' })).toHaveLength(0);
    expect(await kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' })).toHaveLength(2);
    // The other schedule's whole window (minutes 8 to 13) lay inside the step: recorded, never run.
    expect((await runsOf(skipped.id)).map((r) => r.state)).toEqual(['missed']);

    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(building.id))[0]?.state === 'completed', 'completed');
  });

  it('recreates a VM deleted by hand during the window, and never touches an untagged VM', async () => {
    kit.clock.set(T0);
    const client = kit.app.get(OpenStackClient);
    const schedule = await create(onceIn(5, 60, { instanceCount: 2 }));
    const bystander = await client.compute.createServer({
      name: 'someone-elses-vm',
      ...bootable,
      networks: [{ networkId: kit.refs.networkIds[0] as string }],
    });
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await ours()).filter((s) => s.status === 'ACTIVE').length === 2, '2 ACTIVE');
    const victim = (await ours())[0] as SimServerInfo;
    await client.compute.deleteServer(victim.id);
    await settle(async () => {
      const now = await ours();
      return now.length === 2 && !now.some((s) => s.id === victim.id) && now.every((s) => s.status === 'ACTIVE');
    }, 'replacement ACTIVE');

    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
    const all = await kit.sim.control.servers();
    expect(all.map((s) => s.id)).toEqual([bystander.id]);
    expect(all[0]?.deleting).toBe(false);
  });

  it('refills a slot whose VM Nova still lists as DELETED, sends that VM no delete, and completes with it listed', async () => {
    kit.clock.set(T0);
    // As a busy real Nova: a deleted server is listed as DELETED for a while (here, longer than the whole test).
    await kit.sim.control.configure({ deletedListedMs: 600_000 });
    const client = kit.app.get(OpenStackClient);
    const schedule = await create(onceIn(5, 60, { instanceCount: 1 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await ours()).filter((s) => s.status === 'ACTIVE').length === 1, 'ACTIVE');
    const victim = (await ours())[0] as SimServerInfo;
    await client.compute.deleteServer(victim.id);
    await settle(async () => (await ours()).some((s) => s.id !== victim.id && s.status === 'ACTIVE'), 'replacement ACTIVE');
    expect((await ours()).find((s) => s.id === victim.id)?.status).toBe('DELETED');

    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
    expect((await ours()).map((s) => s.status)).toEqual(['DELETED', 'DELETED']);
    const deletes = (await kit.sim.control.requests({ method: 'DELETE' })).filter((r) => r.path.endsWith(`/servers/${victim.id}`));
    expect(deletes).toHaveLength(1); // the test's own
  });

  it('tears the VMs of a schedule deleted during its window down, then removes the schedule', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 2 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await ours()).filter((s) => s.status === 'ACTIVE').length === 2, '2 ACTIVE');

    const res = await kit.http().delete(`/v1/schedules/${schedule.id}`);
    expect(res.status).toBe(202);
    await settle(
      async () => (await kit.app.get(DataSource).getRepository(ScheduleEntity).countBy({ id: schedule.id })) === 0,
      'schedule removed',
    );
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    await kit.http().get(`/v1/schedules/${schedule.id}`).expect(404);
  });

  it('records a window that began and ended while no engine ran as missed', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 10, { instanceCount: 1 }));
    kit.clock.advance(60 * 60_000); // an hour of downtime: the whole window passed
    await sut.runPassNow({ missedSince: new Date(T0) });
    const runs = await runsOf(schedule.id);
    expect(runs.map((r) => [r.state, r.windowStart.toISOString()])).toEqual([
      ['missed', new Date(new Date(T0).getTime() + 5 * 60_000).toISOString()],
    ]);
    expect(await kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' })).toHaveLength(0);
  });

  it('starts a window that is still open after downtime late, and records its lateness', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 1 }));
    kit.clock.advance(20 * 60_000); // down from before the start until 15 minutes into the window
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'active', 'active');
    expect((await runsOf(schedule.id))[0]?.latenessSeconds).toBeGreaterThanOrEqual(15 * 60);
    kit.clock.advance(60 * 60_000);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'completed', 'completed');
  });

  it('stops a window early when its schedule is disabled', async () => {
    kit.clock.set(T0);
    const schedule = await create(onceIn(5, 60, { instanceCount: 1 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await ours()).filter((s) => s.status === 'ACTIVE').length === 1, 'ACTIVE');
    const current = (await kit.http().get(`/v1/schedules/${schedule.id}`)).body as { version: number };
    await kit.http().patch(`/v1/schedules/${schedule.id}`).send({ version: current.version, enabled: false }).expect(200);
    await settle(async () => (await runsOf(schedule.id))[0]?.state === 'stopped', 'torn down on disable');
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
  });

  it('opens the other windows of a pass when one of them already has a closed run (re-enabled mid-window)', async () => {
    kit.clock.set(T0);
    const early = await create(onceIn(5, 60, { instanceCount: 1 }));
    const late = await create(onceIn(30, 60, { instanceCount: 1 }));
    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runsOf(early.id))[0]?.state === 'active', 'first window active');
    const toggle = async (enabled: boolean) => {
      const { version } = (await kit.http().get(`/v1/schedules/${early.id}`)).body as { version: number };
      await kit.http().patch(`/v1/schedules/${early.id}`).send({ version, enabled }).expect(200);
    };
    await toggle(false);
    await settle(async () => (await runsOf(early.id))[0]?.state === 'stopped', 'first window closed on disable');
    // Enabled again inside its window: that window already ran, so it is not opened again...
    await toggle(true);
    kit.clock.advance(25 * 60_000);
    // ...and the window due in the same pass still starts.
    await settle(async () => (await runsOf(late.id))[0]?.state === 'active', 'second window active');
    expect((await runsOf(early.id)).map((run) => run.state)).toEqual(['stopped']);
    expect((await ours()).map((server) => ownershipOf(server)?.scheduleId)).toEqual([late.id]);
  });

  it('re-checks capacity as each window opens: one that cannot fit starts anyway, with the expected shortfall recorded up front', async () => {
    // Away from every other test's windows, and with only this test's schedules enabled: the check counts all the project's.
    const t1 = new Date('2026-12-14T13:00:00Z').getTime();
    kit.clock.set(new Date(t1));
    await kit.app.get(DataSource).query('UPDATE schedule SET enabled = false');
    await kit.sim.control.setQuotas({ instances: 5 }, 'admin');
    try {
      const a = await create(onceIn(5, 120, { name: 'capacity-a', instanceCount: 4 }));
      const b = await create(onceIn(65, 120, { name: 'capacity-b', instanceCount: 3 }));
      const at = (minutes: number) => new Date(t1 + minutes * 60_000).toISOString();
      const conflict = {
        from: at(65),
        to: at(125),
        resource: 'instances',
        needed: 7,
        available: 5,
        schedules: [
          { id: a.id, name: 'capacity-a' },
          { id: b.id, name: 'capacity-b' },
        ],
      };

      // A's own 4 VMs fit, but B joins it later in its window: A's run knows from its start.
      kit.clock.set(new Date(t1 + 5 * 60_000));
      await settle(async () => (await runsOf(a.id))[0]?.state === 'active', 'A active');
      expect((await runsOf(a.id))[0]?.expectedShortfall).toEqual([conflict]);

      // B opens with the shortfall recorded before its first create, and runs with what the quota leaves.
      kit.clock.set(new Date(t1 + 65 * 60_000));
      await sut.runPassNow();
      // Both windows start within the range asked, so which the conflict names first is not defined.
      const byName = (conflicts: readonly { schedules: readonly { name: string }[] }[] | null | undefined) =>
        conflicts?.map((c) => ({ ...c, schedules: [...c.schedules].sort((x, y) => x.name.localeCompare(y.name)) }));
      expect(byName((await runsOf(b.id))[0]?.expectedShortfall)).toEqual([conflict]);
      // The outbox announced it at once, in the transaction that opened the run: provisioning and degraded together.
      const announced = async (scheduleId: string) =>
        (
          (await kit.app
            .get(DataSource)
            .query(
              `SELECT type, data->>'state' AS state, data->'expectedShortfall' AS expected FROM event WHERE subject = $1 ORDER BY seq`,
              [scheduleId],
            )) as { type: string; state: string; expected: unknown }[]
        ).filter((e) => e.type !== 'peak.schedule.created');
      const opening = await announced(b.id);
      // (Its first creates, refused by the quota, may already have made it degraded too: that is announced after.)
      expect(opening.slice(0, 2).map((e) => [e.type, e.state])).toEqual([
        ['peak.run.provisioning', 'provisioning'],
        ['peak.run.degraded', 'provisioning'],
      ]);
      expect(byName(opening[1]?.expected as (typeof conflict)[])).toEqual([conflict]);
      await settle(async () => {
        const [run] = await runsOf(b.id);
        return run?.state === 'degraded' && run.vms?.filter((vm) => vm.status === 'ACTIVE').length === 1;
      }, 'B degraded at the 1 VM the quota leaves it');
      const history = (await kit.http().get(`/v1/schedules/${b.id}/runs`).expect(200)).body as { items: Record<string, unknown>[] };
      expect(byName(history.items[0]?.['expectedShortfall'] as (typeof conflict)[])).toEqual([conflict]);

      // The leader's periodic check sets the gauge for the horizon ahead (2 instances over, from now on).
      await expect(sut.checkCapacityNow()).resolves.toBe(1);
      const metrics = (await kit.http().get('/metrics').expect(200)).text;
      expect(metrics).toContain(`peak_capacity_shortfall{project_id="${a.projectId}",resource="instances"} 2`);
      expect(metrics).toContain(`peak_capacity_shortfall{project_id="${a.projectId}",resource="vcpus"} 0`);

      kit.clock.set(new Date(t1 + 185 * 60_000));
      // Both windows end at once: each run is torn down on its own, in either order.
      await settle(async () => (await runsOf(b.id))[0]?.state === 'partial', 'B ended partial');
      await settle(async () => (await runsOf(a.id))[0]?.state === 'completed', 'A completed');
      await kit.app.get(DataSource).query('UPDATE schedule SET enabled = false');
      // No enabled schedule left: the gauge forgets the project rather than alerting on it for ever.
      await expect(sut.checkCapacityNow()).resolves.toBe(0);
      expect((await kit.http().get('/metrics').expect(200)).text).not.toContain(`peak_capacity_shortfall{project_id="${a.projectId}"`);
    } finally {
      await kit.sim.control.setQuotas({ instances: 10 }, 'admin');
    }
  });
});
