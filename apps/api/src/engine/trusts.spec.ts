import { OpenStackClient } from '@peak/openstack-client';
import { defaultSeed } from '@peak/openstack-sim';
import { DataSource } from 'typeorm';
import { RunEntity } from '../runs/entities/run.entity';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { settlePasses, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { keystoneToken } from '../testing/keystone-token';
import type { EngineService } from './engine.service';
import { OWNER_TAG } from './ownership';
import { startEngineKit } from './testing/engine-kit';

const T0 = '2026-11-23T07:00:00Z';

/**
 * A member of project `demo` schedules VMs without any admin: the API takes a Keystone trust from them to the
 * service user, and the engine creates the VMs in `demo` through it. Passes run by hand with a manual clock.
 */
describe('VMs made through the creator’s trust', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  let demo: string;
  let body: (name: string, startInMinutes: number) => Record<string, unknown>;

  beforeAll(async () => {
    ({ kit, engine: sut } = await startEngineKit('trusts', T0, {
      // Octavia's legacy role, held by the `lb` user of project demo only.
      sim: {
        seed: {
          roles: [...defaultSeed().roles, 'load-balancer_member'],
          users: [
            ...defaultSeed().users,
            {
              name: 'lb',
              password: 'secret',
              roles: [
                { project: 'demo', role: 'member' },
                { project: 'demo', role: 'load-balancer_member' },
              ],
            },
          ],
        },
      },
    }));
    demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    const client = kit.app.get(OpenStackClient);
    const image = (await client.image.listImages()).find((i) => i.name.startsWith('cirros'));
    const flavor = await client.compute.findFlavorByName('m1.small');
    const network = (await client.network.listNetworks()).find((n) => n.name === 'private');
    body = (name, startInMinutes) => {
      const start = new Date(kit.clock.now().getTime() + startInMinutes * 60_000);
      return {
        name,
        imageId: image?.id,
        flavorId: flavor?.id,
        networkIds: [network?.id],
        instanceCount: 2,
        leadTimeMinutes: 0,
        window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 30 * 60_000).toISOString() },
      };
    };
  });

  afterAll(() => kit?.close());

  const runOf = async (scheduleId: string) =>
    (
      await kit.app
        .get(DataSource)
        .getRepository(RunEntity)
        .find({ where: { scheduleId }, relations: { vms: true } })
    )[0];
  const trustOf = async (scheduleId: string) =>
    (await kit.app.get(DataSource).getRepository(ScheduleEntity).findOneByOrFail({ id: scheduleId })).trustId;
  const keystone = (method: string, path: string, token: string) =>
    fetch(`${kit.sim.authUrl}${path}`, { method, headers: { 'x-auth-token': token } });

  const settle = (done: () => Promise<boolean>, what: string) => settlePasses(kit, () => sut.runPassNow(), done, what);

  it("creates a demo member's VMs in demo through a trust, and deletes the trust with the schedule", async () => {
    kit.clock.set(T0);
    const created = await kit.http().post('/v1/schedules').set('x-auth-token', demo).send(body('demo-peak', 5));
    expect(created.status).toBe(201);
    const schedule = created.body as { id: string; projectName: string };
    expect(schedule.projectName).toBe('demo');
    const trustId = await trustOf(schedule.id);
    expect(trustId).toEqual(expect.any(String));
    const trust = (await (await keystone('GET', `/OS-TRUST/trusts/${trustId}`, demo)).json()) as {
      trust: { impersonation: boolean; roles: { name: string }[] };
    };
    expect(trust.trust.impersonation).toBe(true);
    expect(trust.trust.roles.map((r) => r.name)).toEqual(['member']);

    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runOf(schedule.id))?.state === 'active', 'active');
    const servers = (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
    expect(servers.map((s) => s.projectName)).toEqual(['demo', 'demo']);
    const demoUser = ((await (await kit.http().get('/v1/auth/tokens').set('x-auth-token', demo)).body) as { user: { id: string } }).user.id;
    expect(servers.every((s) => s.userId === demoUser)).toBe(true); // impersonation: made as the trustor

    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runOf(schedule.id))?.state === 'completed', 'completed');
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    await kit.http().delete(`/v1/schedules/${schedule.id}`).set('x-auth-token', demo).expect(204);
    expect((await keystone('GET', `/OS-TRUST/trusts/${trustId}`, demo)).status).toBe(404);
  });

  it("delegates Octavia's legacy role when the creator has it, and puts the VMs in the project's pool through the trust", async () => {
    kit.clock.set(T0);
    const lb = (await keystoneToken(kit.sim.authUrl, { name: 'lb', password: 'secret', project: 'demo' })).token;
    const pool = (await kit.sim.control.loadBalancers()).flatMap((l) => l.pools).find((p) => p.name === 'web-pool');
    const created = await kit
      .http()
      .post('/v1/schedules')
      .set('x-auth-token', lb)
      .send({
        ...body('pooled', 5),
        launch: { loadBalancer: { poolId: pool?.id, protocolPort: 80, waitForOnline: false, drainSeconds: 0 } },
      });
    expect(created.status).toBe(201);
    const trustId = await trustOf(created.body.id);
    const trust = (await (await keystone('GET', `/OS-TRUST/trusts/${trustId}`, lb)).json()) as { trust: { roles: { name: string }[] } };
    expect(trust.trust.roles.map((r) => r.name).sort()).toEqual(['load-balancer_member', 'member']);

    kit.clock.advance(5 * 60_000);
    await settle(async () => (await runOf(created.body.id))?.state === 'active', 'active, in the pool');
    const members = () =>
      kit.sim.control.loadBalancers().then((all) => all.flatMap((l) => l.pools).find((p) => p.id === pool?.id)?.members ?? []);
    const servers = (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
    expect((await members()).map((m) => m.address).sort()).toEqual(servers.map((s) => s.addresses['private']?.[0]).sort());

    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runOf(created.body.id))?.state === 'completed', 'completed');
    expect(await members()).toEqual([]);
    await kit.http().delete(`/v1/schedules/${created.body.id}`).set('x-auth-token', lb).expect(204);
  });

  it('fails the run with a clear error when the trust was deleted behind its back, and says so in readiness', async () => {
    kit.clock.set(T0);
    const schedule = (await kit.http().post('/v1/schedules').set('x-auth-token', demo).send(body('orphaned', 5)).expect(201)).body as {
      id: string;
    };
    const trustId = await trustOf(schedule.id);
    expect((await keystone('DELETE', `/OS-TRUST/trusts/${trustId}`, demo)).status).toBe(204);

    kit.clock.advance(5 * 60_000);
    await settle(async () => ((await runOf(schedule.id))?.lastErrorMessage ?? '').includes('trust'), 'the run reports the trust');
    const run = await runOf(schedule.id);
    expect(run?.lastErrorMessage).toContain(`The Keystone trust ${trustId} this schedule acts through no longer works`);
    expect(run?.state).toBe('degraded');
    expect(await kit.sim.control.servers({ tag: OWNER_TAG })).toHaveLength(0);
    const ready = (await kit.http().get('/v1/health/ready')).body as { details: { engine: { trustProblems?: { scheduleId: string }[] } } };
    expect(ready.details.engine.trustProblems?.map((p) => p.scheduleId)).toEqual([schedule.id]);

    kit.clock.advance(30 * 60_000);
    await settle(async () => (await runOf(schedule.id))?.state === 'failed', 'failed: no VM was ever made');
  });

  it('lets another member take a broken delegation over: a new trust replaces the old one, and the next creates use it', async () => {
    kit.clock.set(T0);
    const schedule = (await kit.http().post('/v1/schedules').set('x-auth-token', demo).send(body('taken-over', 5)).expect(201)).body as {
      id: string;
      delegatedBy: { name: string };
    };
    expect(schedule.delegatedBy.name).toBe('demo');
    const oldTrust = await trustOf(schedule.id);
    expect((await keystone('DELETE', `/OS-TRUST/trusts/${oldTrust}`, demo)).status).toBe(204);
    kit.clock.advance(5 * 60_000);
    await settle(async () => ((await runOf(schedule.id))?.lastErrorMessage ?? '').includes('trust'), 'the run reports the trust');

    // A cloud admin from another project cannot give a delegation in demo: only a user of demo can.
    const fromAdmin = await kit.http().post(`/v1/schedules/${schedule.id}/delegation`);
    expect(fromAdmin.status).toBe(422);
    expect(fromAdmin.body.message).toContain('use a token scoped to project demo');

    await kit.sim.control.grantRole('viewer', 'demo', 'member');
    try {
      const viewer = (await keystoneToken(kit.sim.authUrl, { name: 'viewer', password: 'secret', project: 'demo' })).token;
      const renewed = await kit.http().post(`/v1/schedules/${schedule.id}/delegation`).set('x-auth-token', viewer);
      expect(renewed.status).toBe(200);
      expect(renewed.body).toMatchObject({ delegatedBy: { name: 'viewer' }, createdBy: { name: 'demo' }, updatedBy: { name: 'viewer' } });
      const newTrust = await trustOf(schedule.id);
      expect(newTrust).not.toBe(oldTrust);
      const trust = (await (await keystone('GET', `/OS-TRUST/trusts/${newTrust}`, viewer)).json()) as {
        trust: { trustor_user_id: string; project_id: string };
      };
      const viewerId = ((await kit.http().get('/v1/auth/tokens').set('x-auth-token', viewer)).body as { user: { id: string } }).user.id;
      expect(trust.trust.trustor_user_id).toBe(viewerId);

      await settle(async () => (await runOf(schedule.id))?.state === 'active', 'active through the new trust');
      const servers = (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
      expect(servers.map((s) => [s.projectName, s.userId])).toEqual([
        ['demo', viewerId],
        ['demo', viewerId],
      ]);
      const ready = (await kit.http().get('/v1/health/ready')).body as {
        details: { engine: { trustProblems?: { scheduleId: string }[] } };
      };
      expect((ready.details.engine.trustProblems ?? []).map((p) => p.scheduleId)).not.toContain(schedule.id);

      kit.clock.advance(30 * 60_000);
      await settle(async () => (await runOf(schedule.id))?.state === 'completed', 'completed');
      await kit.http().delete(`/v1/schedules/${schedule.id}`).set('x-auth-token', viewer).expect(204);
      expect((await keystone('GET', `/OS-TRUST/trusts/${newTrust}`, viewer)).status).toBe(404);
    } finally {
      await kit.sim.control.revokeRole('viewer', 'demo', 'member');
    }
  });

  it("counts a full quota against the schedule's project: in the run's error, the readiness summary and the metrics", async () => {
    kit.clock.set(T0);
    await kit.sim.control.setQuotas({ instances: 1 }, 'demo');
    try {
      const schedule = (await kit.http().post('/v1/schedules').set('x-auth-token', demo).send(body('crowded', 5)).expect(201)).body as {
        id: string;
      };
      kit.clock.advance(5 * 60_000);
      await settle(async () => {
        const run = await runOf(schedule.id);
        return run?.shortfallReason === 'quota' && (run.vms ?? []).some((vm) => vm.status === 'ACTIVE');
      }, 'one VM up, the other held back by the quota');
      const run = await runOf(schedule.id);
      expect(run?.state).toBe('degraded');
      expect(run?.lastErrorMessage).toMatch(/^Project demo is out of quota: .*[Qq]uota/);
      const servers = (await kit.sim.control.servers({ tag: OWNER_TAG })).filter((s) => !s.deleting);
      expect(servers.map((s) => s.projectName)).toEqual(['demo']);

      const ready = (await kit.http().get('/v1/health/ready')).body as {
        details: { quota: { projectsShort: number; projects: { projectName: string; schedules: number; vmsHeldBack: number }[] } };
      };
      expect(ready.details.quota).toMatchObject({ projectsShort: 1, projects: [{ projectName: 'demo', schedules: 1, vmsHeldBack: 1 }] });
      const metrics = (await kit.http().get('/metrics')).text;
      expect(metrics).toMatch(/^peak_quota_shortfall_vms\{project_id="[0-9a-f]+",project="demo"\} 1$/m);
      expect(metrics).toMatch(/^peak_quota_errors_total\{project_id="[0-9a-f]+",project="demo"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^peak_vms_active\{schedule_id="[^"]+",schedule="crowded",project_id="[0-9a-f]+",project="demo"\} 1$/m);

      // Room again: the held-back VM is made, and the project leaves the summary.
      await kit.sim.control.setQuotas({ instances: 10 }, 'demo');
      await settle(async () => (await runOf(schedule.id))?.state === 'active', 'active once the quota has room');
      kit.clock.advance(10_000); // past the readiness cache
      const after = (await kit.http().get('/v1/health/ready')).body as { details: { quota: { projectsShort: number } } };
      expect(after.details.quota.projectsShort).toBe(0);
      expect((await kit.http().get('/metrics')).text).not.toMatch(/^peak_quota_shortfall_vms\{/m);
      kit.clock.advance(30 * 60_000);
      await settle(async () => (await runOf(schedule.id))?.state === 'completed', 'completed');
    } finally {
      await kit.sim.control.setQuotas({ instances: 10 }, 'demo');
    }
  });
});
