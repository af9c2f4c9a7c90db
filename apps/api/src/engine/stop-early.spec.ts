import type { RunDto } from '../schedules/dto/run.dto';
import type { ScheduleDto } from '../schedules/dto/schedule.dto';
import { bootableRefs, onceBody, recurringBody, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import type { EngineService } from './engine.service';
import { startEngineKit } from './testing/engine-kit';
import { liveWindows } from './testing/live-window';

const T0 = '2026-11-23T07:00:00Z';
const MINUTE = 60_000;

/**
 * Switching a schedule off during its window, as the console's dialog offers: "stop now" deletes the VMs and the run
 * ends `stopped` with who and when; "after this window" keeps them until the window's end and starts no later window.
 * Deleting during a window stops it too. Passes run by hand with a manual clock, against the simulator over HTTP.
 */
describe('disabling or deleting a schedule during its window', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  let bootable: { imageId: string; flavorId: string };
  let live: ReturnType<typeof liveWindows>;

  beforeAll(async () => {
    ({ kit, engine: sut } = await startEngineKit('stop-early', T0, { behaviour: { buildDelayMs: 30, deleteDelayMs: 30 } }));
    bootable = await bootableRefs(kit);
    live = liveWindows(kit, sut, bootable);
  });

  afterAll(() => kit?.close());

  it('"stop now" deletes the VMs at once and records the run as stopped, by whom and when', async () => {
    const schedule = await live.liveOnce();
    const stoppedAt = kit.clock.now().toISOString();
    const disabled = await live.patch(schedule, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, vmsKeptUntil: null });

    const run = await live.finalRun(schedule.id);
    expect(run.state).toBe('stopped');
    expect(run.windowEnd.getTime()).toBeGreaterThan(kit.clock.now().getTime());
    expect(await live.vmsOf(schedule.id)).toEqual([]);
    const runs = (await kit.http().get(`/v1/schedules/${schedule.id}/runs`).expect(200)).body.items as RunDto[];
    expect(runs[0]).toMatchObject({ state: 'stopped', stoppedAt, stoppedBy: { name: 'admin' }, shortfallReason: null });
  });

  it('"after this window" keeps the VMs until the window ends, then removes them and starts no later window', async () => {
    // Every hour at :00 for 30 minutes, UTC: the clock is in the 07:00 window's lead-free start.
    kit.clock.set('2026-11-23T08:59:00Z');
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(
        recurringBody(kit, {
          ...bootable,
          instanceCount: 2,
          leadTimeMinutes: 0,
          timeZone: 'UTC',
          window: { type: 'recurring', cron: '0 * * * *', durationMinutes: 30 },
        }),
      );
    expect(created.status).toBe(201);
    kit.clock.set('2026-11-23T09:00:00Z');
    await live.settle(async () => (await live.runsOf(created.body.id))[0]?.state === 'active', 'window up');
    const schedule = (await kit.http().get(`/v1/schedules/${created.body.id}`).expect(200)).body as ScheduleDto;

    const disabled = await live.patch(schedule, { enabled: false, disableAfterCurrentWindow: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, vmsKeptUntil: '2026-11-23T09:30:00.000Z', state: 'active' });

    // Passes inside the window (the clock moves 20 minutes): the VMs stay, the run stays active.
    for (let i = 0; i < 20; i++) {
      kit.clock.advance(MINUTE);
      await sut.runPassNow();
    }
    expect(await live.vmsOf(schedule.id)).toHaveLength(2);
    expect((await live.runsOf(schedule.id))[0]?.state).toBe('active');

    kit.clock.set('2026-11-23T09:30:00Z');
    const run = await live.finalRun(schedule.id);
    expect(run).toMatchObject({ state: 'completed', stoppedAt: null });
    expect(await live.vmsOf(schedule.id)).toEqual([]);
    const after = (await kit.http().get(`/v1/schedules/${schedule.id}`).expect(200)).body as ScheduleDto;
    expect(after).toMatchObject({ enabled: false, vmsKeptUntil: null, state: 'disabled' });

    // The 10:00 window is not served: the schedule is off.
    kit.clock.set('2026-11-23T10:01:00Z');
    for (let i = 0; i < 5; i++) await sut.runPassNow();
    expect(await live.runsOf(schedule.id)).toHaveLength(1);
    expect(await live.vmsOf(schedule.id)).toEqual([]);
  });

  it('keeps the window through an edit of other fields, and stops it on disableAfterCurrentWindow: false', async () => {
    const schedule = await live.liveOnce();
    const kept = await live.patch(schedule, { enabled: false, disableAfterCurrentWindow: true });
    expect(kept.body.vmsKeptUntil).toBe(new Date((schedule.window as { endAt: string }).endAt).toISOString());
    // An edit form sends `enabled: false` again with its other fields: the kept window stays.
    const edited = await live.patch(kept.body as ScheduleDto, { enabled: false, description: 'renamed while kept' });
    expect(edited.status).toBe(200);
    expect(edited.body.vmsKeptUntil).toBe(kept.body.vmsKeptUntil);
    for (let i = 0; i < 3; i++) await sut.runPassNow();
    expect(await live.vmsOf(schedule.id)).toHaveLength(2);

    // Asked explicitly: stop now.
    const stopped = await live.patch(edited.body as ScheduleDto, { enabled: false, disableAfterCurrentWindow: false });
    expect(stopped.status).toBe(200);
    expect(stopped.body.vmsKeptUntil).toBeNull();
    const run = await live.finalRun(schedule.id);
    expect(run).toMatchObject({ state: 'stopped', stoppedByName: 'admin' });
  });

  it('records a window ended by deleting its schedule as stopped, and removes the schedule in the same pass', async () => {
    const schedule = await live.liveOnce();
    const deleted = await kit.http().delete(`/v1/schedules/${schedule.id}`);
    expect(deleted.status).toBe(202);
    const run = await live.finalRun(schedule.id);
    expect(run).toMatchObject({ state: 'stopped', stoppedByName: 'admin' });
    // Removed by the pass that closed its run, not left `deleting` until a later one.
    expect((await kit.http().get(`/v1/schedules/${schedule.id}`)).status).toBe(404);
  });

  it('refuses disableAfterCurrentWindow (400, naming the field) unless the schedule is being disabled', async () => {
    const created = await kit.http().post('/v1/schedules').send(recurringBody(kit)).expect(201);
    const refused = await live.patch(created.body as ScheduleDto, { enabled: true, disableAfterCurrentWindow: true });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'disableAfterCurrentWindow', constraint: 'requiresDisable' })]);
    const alone = await live.patch(created.body as ScheduleDto, { disableAfterCurrentWindow: true });
    expect(alone.status).toBe(400);
  });

  it('disables a schedule outside any window at once, whichever choice, keeping no window', async () => {
    const created = (await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201)).body as ScheduleDto;
    const disabled = await live.patch(created, { enabled: false, disableAfterCurrentWindow: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, vmsKeptUntil: null, state: 'disabled' });
    const enabled = await live.patch(disabled.body as ScheduleDto, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, vmsKeptUntil: null });
  });
});
