import { LoadBalancerImmutableError, OpenStackClient, type CreateMemberRequest, type Member } from '@peak/openstack-client';
import { defaultSeed, type SimLoadBalancerInfo } from '@peak/openstack-sim';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunVmEntity } from '../runs/entities/run-vm.entity';
import { RunEntity } from '../runs/entities/run.entity';
import type { RunDto } from '../schedules/dto/run.dto';
import { bootableRefs, onceBody, settlePasses, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { InstallationService } from '../installation/installation.service';
import type { EngineService } from './engine.service';
import { memberTags } from './membership';
import { OWNER_TAG } from './ownership';
import { startEngineKit } from './testing/engine-kit';

const T0 = '2026-11-23T07:00:00Z';
const MINUTE = 60_000;
const DRAIN_SECONDS = 20;

/**
 * Octavia pool membership (issue 19), against the simulator's Octavia over HTTP, passes run by hand with a manual
 * clock: VMs join once ACTIVE and count as ready once ONLINE; at the window's end each member drains (weight 0) for
 * `drainSeconds`, is removed, and only then is its VM deleted. A busy load balancer delays, a crash leaves nothing behind.
 */
describe('load balancer membership', () => {
  jest.setTimeout(180_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  let bootable: { imageId: string; flavorId: string };
  let pools: { web: string; plain: string };
  let loadBalancerId: string;
  let installationId: string;

  beforeAll(async () => {
    const seed = defaultSeed();
    ({ kit, engine: sut } = await startEngineKit('membership', T0, {
      sim: {
        seed: {
          loadBalancers: [
            ...seed.loadBalancers,
            // The admin's own: schedules here are created by the admin, in its project.
            { name: 'peak-lb', project: 'admin', network: 'private', pools: [{ name: 'web' }, { name: 'plain', healthMonitor: false }] },
          ],
        },
      },
      behaviour: { buildDelayMs: 30, deleteDelayMs: 30, loadBalancerUpdateDelayMs: 100, memberOnlineDelayMs: 300 },
    }));
    bootable = await bootableRefs(kit);
    const lb = (await kit.sim.control.loadBalancers()).find((l) => l.name === 'peak-lb') as SimLoadBalancerInfo;
    loadBalancerId = lb.id;
    pools = {
      web: lb.pools.find((p) => p.name === 'web')?.id as string,
      plain: lb.pools.find((p) => p.name === 'plain')?.id as string,
    };
    installationId = kit.app.get(InstallationService).id;
  });

  afterAll(() => kit?.close());

  const settle = (done: () => Promise<boolean>, what: string) => settlePasses(kit, () => sut.runPassNow(), done, what);
  const runOf = async (scheduleId: string) =>
    (await kit.app.get(DataSource).getRepository(RunEntity).findOneBy({ scheduleId })) as RunEntity;
  const slotsOf = async (runId: string) =>
    kit.app
      .get(DataSource)
      .getRepository(RunVmEntity)
      .find({ where: { runId }, order: { slot: 'ASC' } });
  const membersOf = async (poolId: string) =>
    (await kit.sim.control.loadBalancers()).flatMap((lb) => lb.pools).find((p) => p.id === poolId)?.members ?? [];
  const vmsOf = async (scheduleId: string) =>
    (await kit.sim.control.servers({ tag: OWNER_TAG })).filter(
      (s) => !s.deleting && s.metadata['peak-scheduler:schedule-id'] === scheduleId,
    );

  /** A one-off window starting a minute from the clock (no lead time), with the given pool settings. */
  async function pooledWindow(loadBalancer: Record<string, unknown>, instanceCount = 3, minutes = 30) {
    const start = new Date(kit.clock.now().getTime() + MINUTE);
    const window = { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + minutes * MINUTE).toISOString() };
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(onceBody(kit, { ...bootable, instanceCount, leadTimeMinutes: 0, window, launch: { loadBalancer } }));
    expect(created.status).toBe(201);
    return { id: created.body.id as string, start, end: new Date(window.endAt) };
  }

  it('refuses a pool it cannot use, naming the field (422)', async () => {
    const missing = await kit
      .http()
      .post('/v1/schedules')
      .send(onceBody(kit, { ...bootable, launch: { loadBalancer: { poolId: randomUUID(), protocolPort: 80 } } }));
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'launch.loadBalancer.poolId' })]);

    const publicSubnet = (await kit.app.get(OpenStackClient).network.listSubnets()).find((s) => s.name === 'public-subnet');
    const offNetworks = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          ...bootable,
          networkIds: [kit.refs.networkIds.find((id) => id !== publicSubnet?.networkId)],
          launch: { loadBalancer: { poolId: pools.web, protocolPort: 80, subnetId: publicSubnet?.id } },
        }),
      );
    expect(offNetworks.status).toBe(422);
    expect(offNetworks.body.errors).toEqual([
      expect.objectContaining({
        field: 'launch.loadBalancer.subnetId',
        reason: expect.stringContaining("not one of the schedule's networks"),
      }),
    ]);

    // Without subnetId the members' subnet is the VIP subnet (private): the schedule must be on its network.
    const offVip = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          ...bootable,
          networkIds: [publicSubnet?.networkId],
          launch: { loadBalancer: { poolId: pools.web, protocolPort: 80 } },
        }),
      );
    expect(offVip.status).toBe(422);
    expect(offVip.body.errors).toEqual([
      expect.objectContaining({ field: 'launch.loadBalancer.poolId', reason: expect.stringContaining('give subnetId') }),
    ]);

    const badPort = await kit
      .http()
      .post('/v1/schedules')
      .send(onceBody(kit, { ...bootable, launch: { loadBalancer: { poolId: pools.web, protocolPort: 0, drainSeconds: 4000 } } }));
    expect(badPort.status).toBe(400);
    const fields = (badPort.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['launch.loadBalancer.drainSeconds', 'launch.loadBalancer.protocolPort']);
  });

  it('joins the pool once ACTIVE, counts VMs ready once ONLINE, and drains, removes, then deletes at the end', async () => {
    const window = await pooledWindow({ poolId: pools.web, protocolPort: 8080, drainSeconds: DRAIN_SECONDS });
    kit.clock.advance(MINUTE);
    await settle(async () => (await runOf(window.id))?.state === 'active', 'window serving');

    const run = await runOf(window.id);
    const slots = await slotsOf(run.id);
    const members = await membersOf(pools.web);
    const vms = await vmsOf(window.id);
    expect(slots).toHaveLength(3);
    expect(members).toHaveLength(3);
    // Each VM is a member at its address on the VIP subnet (private), ONLINE, and the run became ready only then.
    for (const slot of slots) {
      const vm = vms.find((v) => v.id === slot.serverId);
      const member = members.find((m) => m.id === slot.memberId);
      expect(member).toMatchObject({ protocolPort: 8080, weight: 1, operatingStatus: 'ONLINE', address: vm?.addresses['private']?.[0] });
      expect(slot).toMatchObject({ memberState: 'online', memberAddress: member?.address });
      expect(slot.memberOnlineAt?.getTime()).toBeGreaterThanOrEqual(slot.activeAt?.getTime() ?? Infinity);
      expect(run.readyAt?.getTime()).toBeGreaterThanOrEqual(slot.memberOnlineAt?.getTime() ?? Infinity);
    }
    const shown = (await kit.http().get(`/v1/schedules/${window.id}/runs`).expect(200)).body.items as RunDto[];
    expect(shown[0]?.vms.map((v) => v.member?.state)).toEqual(['online', 'online', 'online']);
    const gauged = (await kit.http().get('/metrics').expect(200)).text;
    expect(gauged).toMatch(new RegExp(`peak_pool_members\\{schedule_id="${window.id}",[^}]*state="online"\\} 3\\b`));

    // The window ends: members go to weight 0 and stay in the pool, VMs up, for drainSeconds of the engine's clock.
    const since = (await kit.sim.control.requests({ limit: 1 }))[0]?.seq ?? 0;
    kit.clock.set(window.end);
    await settle(async () => (await membersOf(pools.web)).every((m) => m.weight === 0), 'members drained');
    const drainingAt = kit.clock.now().getTime();
    for (let second = 1; kit.clock.now().getTime() - drainingAt < (DRAIN_SECONDS - 3) * 1000; second++) {
      await sut.runPassNow();
      kit.clock.advance(1000);
    }
    expect(await membersOf(pools.web)).toHaveLength(3);
    expect(await vmsOf(window.id)).toHaveLength(3);
    expect((await slotsOf(run.id)).map((s) => s.memberState)).toEqual(['draining', 'draining', 'draining']);

    await settle(async () => (await runOf(window.id))?.state === 'completed', 'run completed');
    expect(await membersOf(pools.web)).toEqual([]);
    const closed = await slotsOf(run.id);
    for (const slot of closed) {
      expect(slot.memberState).toBe('removed');
      const drained = (slot.memberRemovedAt?.getTime() ?? 0) - (slot.memberDrainingAt?.getTime() ?? Infinity);
      expect(drained).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000);
      expect(slot.deletedAt?.getTime()).toBeGreaterThanOrEqual(slot.memberRemovedAt?.getTime() ?? Infinity);
    }
    const metrics = (await kit.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^peak_pool_member_drain_seconds_count 3$/m);
    expect(Number(/^peak_pool_member_drain_seconds_sum (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3 * DRAIN_SECONDS);
    // In the cloud's own order: the drain (a batch), then each member's removal, then its VM's delete.
    const log = await kit.sim.control.requests({ afterSeq: since });
    const seqOf = (method: string, path: RegExp) => log.find((r) => r.method === method && path.test(r.path))?.seq ?? Infinity;
    const drainSeq = seqOf('PUT', new RegExp(`/lbaas/pools/${pools.web}/members$`));
    for (const slot of closed) {
      const removeSeq = seqOf('DELETE', new RegExp(`/members/${slot.memberId}$`));
      const deleteSeq = seqOf('DELETE', new RegExp(`/servers/${slot.serverId}$`));
      expect(drainSeq).toBeLessThan(removeSeq);
      expect(removeSeq).toBeLessThan(deleteSeq);
      expect(deleteSeq).toBeLessThan(Infinity);
    }
  });

  it('a pool without a health monitor: VMs are ready once members, and drainSeconds 0 removes them at once', async () => {
    const window = await pooledWindow({ poolId: pools.plain, protocolPort: 80, drainSeconds: 0 }, 2);
    kit.clock.advance(MINUTE);
    await settle(async () => (await runOf(window.id))?.state === 'active', 'window serving');
    const run = await runOf(window.id);
    expect((await slotsOf(run.id)).map((s) => s.memberState)).toEqual(['member', 'member']);
    expect((await membersOf(pools.plain)).map((m) => m.operatingStatus)).toEqual(['NO_MONITOR', 'NO_MONITOR']);

    kit.clock.set(window.end);
    await settle(async () => (await runOf(window.id))?.state === 'completed', 'run completed');
    const closed = await slotsOf(run.id);
    expect(closed.map((s) => [s.memberState, s.memberDrainingAt])).toEqual([
      ['removed', null],
      ['removed', null],
    ]);
    expect(await membersOf(pools.plain)).toEqual([]);
  });

  it('a load balancer held PENDING_UPDATE for 10 s delays the members, and loses none', async () => {
    const window = await pooledWindow({ poolId: pools.web, protocolPort: 8081, drainSeconds: 0 }, 2);
    // Held through the VMs' build however slow the machine is, then for 10 s more.
    await kit.sim.control.holdLoadBalancer(loadBalancerId, 300);
    kit.clock.advance(MINUTE);
    await settle(async () => (await vmsOf(window.id)).filter((v) => v.status === 'ACTIVE').length === 2, 'VMs ACTIVE');
    // Another schedule's window starts meanwhile: its creates go out first, the wait for the busy load balancer after.
    const otherStart = new Date(kit.clock.now().getTime() + MINUTE);
    const other = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          ...bootable,
          instanceCount: 1,
          leadTimeMinutes: 0,
          window: { type: 'once', startAt: otherStart.toISOString(), endAt: new Date(otherStart.getTime() + 30 * MINUTE).toISOString() },
        }),
      );
    expect(other.status).toBe(201);
    const since = Date.now();
    kit.clock.advance(MINUTE);
    await settle(async () => (await vmsOf(other.body.id)).length === 1, "the other window's VM created");
    // Passes run one at a time, each opening with its server listing. In the pass that created the other VM, the
    // load balancer was looked at before the create only for the pools' facts (each after its pool), never by the
    // busy wait's repeated looks.
    const log = await kit.sim.control.requests({ since });
    const createdAt = log.findIndex((r) => r.method === 'POST' && r.path === '/compute/v2.1/servers');
    const passStart = log
      .slice(0, createdAt)
      .map((r) => r.method === 'GET' && r.path === '/compute/v2.1/servers/detail')
      .lastIndexOf(true);
    expect(passStart).toBeGreaterThanOrEqual(0);
    const beforeCreate = log.slice(passStart, createdAt).filter((r) => r.method === 'GET');
    const looks = beforeCreate.filter((r) => r.path === `/load-balancer/v2/lbaas/loadbalancers/${loadBalancerId}`);
    const poolReads = beforeCreate.filter((r) => /^\/load-balancer\/v2\/lbaas\/pools\/[^/]+$/.test(r.path));
    expect(looks.length).toBeLessThanOrEqual(poolReads.length);
    await sut.runPassNow();
    // Nothing got through while held (Octavia answers 409 then): no member yet, the run not ready.
    expect(await membersOf(pools.web)).toEqual([]);
    expect((await runOf(window.id)).state).toBe('provisioning');
    const heldUntil = Date.now() + 10_000;
    await kit.sim.control.holdLoadBalancer(loadBalancerId, 10);
    await settle(async () => (await runOf(window.id))?.state === 'active', 'window serving after the hold');
    expect(Date.now()).toBeGreaterThanOrEqual(heldUntil);
    expect(await membersOf(pools.web)).toHaveLength(2);
    expect((await kit.http().delete(`/v1/schedules/${other.body.id}`)).status).toBe(202); // its VM goes first
    await settle(async () => (await vmsOf(other.body.id)).length === 0, "the other window's VM deleted");

    kit.clock.set(window.end);
    await settle(async () => (await runOf(window.id))?.state === 'completed', 'run completed');
    expect(await membersOf(pools.web)).toEqual([]);
  });

  it('after a crash: a member added but not recorded is adopted, not duplicated; one of a run gone is removed', async () => {
    const window = await pooledWindow({ poolId: pools.web, protocolPort: 8082, drainSeconds: 0 }, 1);
    kit.clock.advance(MINUTE);
    await settle(async () => (await runOf(window.id))?.state === 'active', 'window serving');
    const run = await runOf(window.id);
    const [slot] = await slotsOf(run.id);
    const joined = slot?.memberId as string;
    expect(joined).toEqual(expect.any(String));
    // What a leader killed between its member add and any bookkeeping leaves: the member in Octavia, the slot unaware.
    await kit.app
      .get(DataSource)
      .getRepository(RunVmEntity)
      .update(slot?.id as string, {
        memberId: null,
        memberState: 'pending',
        memberAddress: null,
        memberJoinedAt: null,
        memberOnlineAt: null,
      });
    // And a member of a run this installation no longer has (its VM long gone), and someone else's, never touched.
    const orphan = await addMember({ address: '10.0.0.250', protocolPort: 8082, tags: memberTags(installationId, randomUUID(), 1) });
    const foreign = await addMember({ address: '10.0.0.251', protocolPort: 80, tags: ['theirs'] });

    await settle(async () => {
      const [now] = await slotsOf(run.id);
      const listed = await membersOf(pools.web);
      return now?.memberId === joined && now.memberState === 'online' && !listed.some((m) => m.id === orphan.id);
    }, 'member adopted, orphan removed');
    expect((await membersOf(pools.web)).map((m) => m.id).sort()).toEqual([joined, foreign.id].sort());

    kit.clock.set(window.end);
    await settle(async () => (await runOf(window.id))?.state === 'completed', 'run completed');
    expect((await membersOf(pools.web)).map((m) => m.id)).toEqual([foreign.id]);
  });

  /** Adds a member as another client would: retried while the load balancer is busy (the engine writes to it too). */
  async function addMember(request: CreateMemberRequest): Promise<Member> {
    const octavia = kit.app.get(OpenStackClient).loadBalancer;
    for (const deadline = Date.now() + 30_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      try {
        return await octavia.createMember(pools.web, request);
      } catch (error) {
        if (!(error instanceof LoadBalancerImmutableError) || Date.now() > deadline) throw error;
      }
    }
  }
});
