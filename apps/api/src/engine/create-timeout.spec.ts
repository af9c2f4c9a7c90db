import { OpenStackClient } from '@peak/openstack-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { RunEntity } from '../runs/entities/run.entity';
import { onceBody, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import type { EngineService } from './engine.service';
import { startEngineKit } from './testing/engine-kit';
import { OWNER_TAG } from './ownership';

const T0 = '2026-11-23T07:00:00Z';

/**
 * A create whose answer never comes (the client gives up after 500 ms, Nova makes the VM after 1.5 s): the engine
 * waits its grace period from the moment the answer was lost, not from when it sent the request, and finds the VM
 * by its tags; it never sends the create again. Passes are run by hand, the manual clock moving 200 ms per pass.
 */
describe('a create that timed out', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;

  beforeAll(async () => {
    // Retries at the product's own pace (2 s).
    ({ kit, engine: sut } = await startEngineKit('create_timeout', T0, {
      env: { ENGINE_RETRY_BASE_MS: '2000', ENGINE_CREATE_GRACE_MS: '20000', OPENSTACK_TIMEOUT_MS: '500' },
    }));
  });

  afterAll(() => kit?.close());

  it('is looked up by its tags and adopted, never sent twice', async () => {
    await kit.sim.control.configure({
      buildDelayMs: 100,
      latency: [{ service: 'compute', method: 'POST', path: '/compute/v2.1/servers', delayMs: 1500 }],
    });
    const client = kit.app.get(OpenStackClient);
    const image = (await client.image.listImages()).find((i) => i.name.startsWith('cirros'));
    const flavor = await client.compute.findFlavorByName('m1.small');
    const start = new Date(new Date(T0).getTime() + 60_000);
    const res = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          imageId: image?.id,
          flavorId: flavor?.id,
          instanceCount: 2,
          leadTimeMinutes: 0,
          window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 3600_000).toISOString() },
        }),
      );
    expect(res.status).toBe(201);
    const scheduleId = (res.body as { id: string }).id;
    kit.clock.set(start);
    // The creates hang; while they do, 25 s go by (as they would before a real 30 s timeout).
    const first = sut.runPassNow();
    for (const deadline = Date.now() + 10_000; ; await sleep(10)) {
      const inFlight = await kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });
      if (inFlight.length === 2) break;
      if (Date.now() > deadline) throw new Error('the creates were not sent');
    }
    kit.clock.advance(25_000);
    await first;

    const runOf = async () =>
      (
        await kit.app
          .get(DataSource)
          .getRepository(RunEntity)
          .find({ where: { scheduleId }, relations: { vms: true } })
      )[0];
    for (const deadline = Date.now() + 60_000; ; ) {
      await sut.runPassNow();
      if ((await runOf())?.state === 'active') break;
      if (Date.now() > deadline) throw new Error(`not active: ${JSON.stringify(await runOf())}`);
      await sleep(20);
      kit.clock.advance(200);
    }
    const posts = await kit.sim.control.requests({ method: 'POST', path: '/compute/v2.1/servers' });
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => p.status === 0)).toBe(true); // neither answer reached the engine
    const servers = await kit.sim.control.servers({ tag: OWNER_TAG });
    const run = await runOf();
    expect(run?.vms?.map((vm) => vm.serverId).sort()).toEqual(servers.map((s) => s.id).sort());
    expect(run?.vms?.map((vm) => vm.attempts)).toEqual([1, 1]);
    expect(await kit.sim.control.requests({ method: 'DELETE' })).toHaveLength(0);
  });
});
