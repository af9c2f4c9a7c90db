import type { INestApplication } from '@nestjs/common';
import { OpenStackClient } from '@peak/openstack-client';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '@peak/openstack-sim';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Clock, ManualClock } from '../../common/clock';
import { createTestApp } from '../../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database';
import { simulatorEnv } from '../../testing/simulator-env';
import { RunVmEntity } from '../../runs/entities/run-vm.entity';
import { RunEntity } from '../../runs/entities/run.entity';
import type { RunState, ShortfallReason } from '../../runs/run-lifecycle';

/** The whole API on a fresh database and a simulator, with a clock the test moves. */
export interface SchedulesTestKit {
  readonly app: INestApplication;
  readonly sim: RunningSimulator;
  readonly clock: ManualClock;
  /** Ids of an active image, a flavor and two networks that exist in the simulator. */
  readonly refs: { readonly imageId: string; readonly flavorId: string; readonly networkIds: readonly string[] };
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startSchedulesTestKit(
  label: string,
  now = '2026-05-01T10:00:00Z',
  env: Record<string, string> = {},
  simOptions: Omit<SimulatorOptions, 'port'> = {},
): Promise<SchedulesTestKit> {
  const db: TestDatabase = await createTestDatabase(label);
  const sim = await startSimulator({ ...simOptions, port: 0 });
  const clock = new ManualClock(new Date(now));
  const app = await createTestApp({
    databaseUrl: db.url,
    env: { ...simulatorEnv(sim), FLAVOR_BOOTSTRAP: 'false', ...env },
    override: (builder) => builder.overrideProvider(Clock).useValue(clock),
  });
  const client = app.get(OpenStackClient);
  const [images, flavors, networks] = await Promise.all([
    client.image.listImages(),
    client.compute.listFlavors(),
    client.network.listNetworks(),
  ]);
  const image = images.find((i) => i.status === 'active');
  if (!image || flavors.length === 0 || networks.length < 2) throw new Error('the simulator seed lacks an image, a flavor or two networks');
  return {
    app,
    sim,
    clock,
    refs: { imageId: image.id, flavorId: flavors[0].id, networkIds: networks.slice(0, 2).map((n) => n.id) },
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await sim.close();
      await db.drop();
    },
  };
}

/** A valid create body: weekdays 09:00-17:00 in Rome, 3 VMs, 10 minutes early. */
export function recurringBody(kit: SchedulesTestKit, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `peak-${randomUUID().slice(0, 8)}`,
    imageId: kit.refs.imageId,
    flavorId: kit.refs.flavorId,
    networkIds: [...kit.refs.networkIds],
    instanceCount: 3,
    timeZone: 'Europe/Rome',
    window: { type: 'recurring', cron: '0 9 * * 1-5', durationMinutes: 480 },
    leadTimeMinutes: 10,
    ...overrides,
  };
}

/** A valid one-off body: one day after the kit's clock, for 4 hours. */
export function onceBody(kit: SchedulesTestKit, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const start = new Date(kit.clock.now().getTime() + 24 * 3_600_000);
  return recurringBody(kit, {
    window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 4 * 3_600_000).toISOString() },
    ...overrides,
  });
}

/** Plays the engine: records a run of a schedule (and optionally VMs) as the engine would, with the schedule's name. */
export async function insertRun(
  kit: SchedulesTestKit,
  scheduleId: string,
  run: {
    windowStart: string;
    durationMinutes?: number;
    state: RunState;
    shortfallReason?: ShortfallReason;
    vms?: { status: string; deleted?: boolean }[];
  },
): Promise<RunEntity> {
  const dataSource = kit.app.get(DataSource);
  const start = new Date(run.windowStart);
  const now = kit.clock.now();
  const names: { name: string }[] = await dataSource.query(`SELECT name FROM schedule WHERE id = $1`, [scheduleId]);
  const entity = Object.assign(new RunEntity(), {
    id: randomUUID(),
    scheduleId,
    scheduleName: names[0]?.name ?? scheduleId,
    windowStart: start,
    windowEnd: new Date(start.getTime() + (run.durationMinutes ?? 480) * 60_000),
    provisionAt: new Date(start.getTime() - 600_000),
    startedAt: now,
    readyAt: null,
    endedAt: null,
    tornDownAt: null,
    teardownOverdueAt: null,
    state: run.state,
    latenessSeconds: 0,
    lastErrorMessage: run.state === 'failed' ? 'Quota exceeded for instances' : null,
    lastErrorRequestId: run.state === 'failed' ? 'req-0001' : null,
    lastErrorAt: run.state === 'failed' ? now : null,
    shortfallReason: run.shortfallReason ?? null,
    desiredCount: run.vms?.length ?? 0,
    createdAt: now,
    updatedAt: now,
  });
  await dataSource.getRepository(RunEntity).insert(entity);
  const vms = run.vms ?? [];
  if (vms.length === 0) return entity;
  await dataSource.getRepository(RunVmEntity).insert(
    vms.map((vm, i) => ({
      id: randomUUID(),
      runId: entity.id,
      serverId: `srv-${entity.id.slice(0, 8)}-${i}`,
      slot: i + 1,
      name: `peak-${i + 1}`,
      status: vm.status,
      faultMessage: vm.status === 'ERROR' ? 'No valid host was found.' : null,
      attempts: 1,
      createdAt: now,
      activeAt: vm.status === 'ACTIVE' ? now : null,
      deletedAt: vm.deleted ? now : null,
    })),
  );
  return entity;
}

/**
 * Runs engine passes (`runPass`) until `done` holds. Between passes real time passes for the simulator (building,
 * deleting) and the kit's manual clock moves a second, so the engine's backoffs elapse.
 */
export async function settlePasses(
  kit: SchedulesTestKit,
  runPass: () => Promise<unknown>,
  done: () => Promise<boolean>,
  what: string,
  timeoutMs = 45_000,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    await runPass();
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 40));
    kit.clock.advance(1000);
  }
  throw new Error(`not settled: ${what}`);
}

/** An image and a flavor of the simulator's seed that boot together (Nova refuses a flavor disk below the image's minimum). */
export async function bootableRefs(kit: SchedulesTestKit): Promise<{ imageId: string; flavorId: string }> {
  const client = kit.app.get(OpenStackClient);
  const image = (await client.image.listImages()).find((i) => i.name.startsWith('cirros'));
  const flavor = await client.compute.findFlavorByName('m1.small');
  if (!image || !flavor) throw new Error('the simulator seed lacks cirros or m1.small');
  return { imageId: image.id, flavorId: flavor.id };
}

/** Waits until the kit's engine (`ENGINE_ENABLED=true`) holds the lease. */
export async function untilLeader(engine: { readonly role: string }, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; engine.role !== 'leader'; await new Promise((resolve) => setTimeout(resolve, 20)))
    if (Date.now() > deadline) throw new Error('the engine never became leader');
}
