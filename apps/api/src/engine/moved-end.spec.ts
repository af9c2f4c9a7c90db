import type { RunDto } from '../schedules/dto/run.dto';
import type { ScheduleDto } from '../schedules/dto/schedule.dto';
import { bootableRefs, recurringBody, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import type { EngineService } from './engine.service';
import { startEngineKit } from './testing/engine-kit';
import { liveWindows } from './testing/live-window';

const T0 = '2026-11-24T07:00:00Z';
const MINUTE = 60_000;

interface ErrorBody {
  errors?: { field: string; reason: string; constraint?: string }[];
}

/**
 * A one-off window under way is edited as a whole (the console's form sends the window with the rest): its start,
 * already past, stays; its end may move to extend or shorten the peak, and the engine keeps the run and its VMs until
 * the new end. Passes run by hand with a manual clock, against the simulator over HTTP.
 */
describe('moving the end of a one-off window under way', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;
  let live: ReturnType<typeof liveWindows>;
  let bootable: { imageId: string; flavorId: string };

  beforeAll(async () => {
    ({ kit, engine: sut } = await startEngineKit('moved-end', T0, { behaviour: { buildDelayMs: 30, deleteDelayMs: 30 } }));
    bootable = await bootableRefs(kit);
    live = liveWindows(kit, sut, bootable);
  });

  afterAll(() => kit?.close());

  const windowOf = (schedule: ScheduleDto) => schedule.window as { type: 'once'; startAt: string; endAt: string };
  const withEnd = (schedule: ScheduleDto, endAt: Date) => ({ window: { ...windowOf(schedule), endAt: endAt.toISOString() } });
  const runDtos = async (scheduleId: string) =>
    (await kit.http().get(`/v1/schedules/${scheduleId}/runs`).expect(200)).body.items as RunDto[];

  it('extends it: the VMs stay past the old end until the new one, and the run records the new end', async () => {
    const schedule = await live.liveOnce(30);
    const oldEnd = new Date(windowOf(schedule).endAt);
    const newEnd = new Date(oldEnd.getTime() + 30 * MINUTE);
    const extended = await live.patch(schedule, withEnd(schedule, newEnd));
    expect(extended.status).toBe(200);
    expect(windowOf(extended.body as ScheduleDto)).toEqual({ ...windowOf(schedule), endAt: newEnd.toISOString() });

    // Past the old end: the window is still the schedule's, its VMs stay.
    kit.clock.set(new Date(oldEnd.getTime() + MINUTE).toISOString());
    for (let i = 0; i < 3; i++) await sut.runPassNow();
    expect(await live.vmsOf(schedule.id)).toHaveLength(2);
    const [run] = await live.runsOf(schedule.id);
    expect(run).toMatchObject({ state: 'active', windowStart: new Date(windowOf(schedule).startAt) });
    expect(run?.windowEnd.toISOString()).toBe(newEnd.toISOString());
    expect((await runDtos(schedule.id))[0]?.windowEnd).toBe(newEnd.toISOString());

    kit.clock.set(newEnd.toISOString());
    expect(await live.finalRun(schedule.id)).toMatchObject({ state: 'completed', stoppedAt: null });
    expect(await live.vmsOf(schedule.id)).toEqual([]);
    expect(await live.runsOf(schedule.id)).toHaveLength(1);
  });

  it('shortens it: the VMs go at the new end and the run completes (not stopped)', async () => {
    const schedule = await live.liveOnce(30);
    const newEnd = new Date(kit.clock.now().getTime() + 5 * MINUTE);
    const shortened = await live.patch(schedule, withEnd(schedule, newEnd));
    expect(shortened.status).toBe(200);

    kit.clock.advance(4 * MINUTE);
    await sut.runPassNow();
    expect(await live.vmsOf(schedule.id)).toHaveLength(2);

    kit.clock.set(newEnd.toISOString());
    const run = await live.finalRun(schedule.id);
    expect(run).toMatchObject({ state: 'completed', stoppedAt: null });
    expect(run.windowEnd.toISOString()).toBe(newEnd.toISOString());
    expect(await live.vmsOf(schedule.id)).toEqual([]);
  });

  it("takes the console's whole-form edit of a window under way, and refuses an end already past (400 naming window.endAt)", async () => {
    const schedule = await live.liveOnce(30);
    kit.clock.advance(2 * MINUTE);
    const past = await live.patch(schedule, withEnd(schedule, new Date(kit.clock.now().getTime() - MINUTE)));
    expect(past.status).toBe(400);
    expect((past.body as ErrorBody).errors).toEqual([
      expect.objectContaining({ field: 'window.endAt', reason: expect.stringMatching(/already past/) }),
    ]);
    // A new start in the past is still refused: that would be another window.
    const moved = await live.patch(schedule, { window: { ...windowOf(schedule), startAt: new Date(T0).toISOString() } });
    expect(moved.status).toBe(400);
    expect((moved.body as ErrorBody).errors?.map((e) => e.field)).toEqual(['window.startAt']);

    // The form sends every field, the window unchanged: one more VM joins the window under way.
    const edited = await live.patch(schedule, {
      ...withEnd(schedule, new Date(windowOf(schedule).endAt)),
      instanceCount: 3,
      description: 'one more',
    });
    expect(edited.status).toBe(200);
    // The run is active again once the third VM is up; a window that ends before then would close it partial.
    await live.settle(async () => {
      const [run] = await live.runsOf(schedule.id);
      return run?.desiredCount === 3 && run.state === 'active';
    }, 'third VM up');
    expect(await live.vmsOf(schedule.id)).toHaveLength(3);
    kit.clock.set(windowOf(schedule).endAt);
    expect((await live.finalRun(schedule.id)).state).toBe('completed');
  });

  it('keeps a window that is over as it was: its end cannot move (400 windowOver), its other fields can', async () => {
    const schedule = await live.liveOnce(10);
    kit.clock.set(windowOf(schedule).endAt);
    expect((await live.finalRun(schedule.id)).state).toBe('completed');
    const current = (await kit.http().get(`/v1/schedules/${schedule.id}`).expect(200)).body as ScheduleDto;

    const reopened = await live.patch(current, withEnd(current, new Date(kit.clock.now().getTime() + 60 * MINUTE)));
    expect(reopened.status).toBe(400);
    expect((reopened.body as ErrorBody).errors).toEqual([expect.objectContaining({ field: 'window.endAt', constraint: 'windowOver' })]);
    const renamed = await live.patch(current, { ...withEnd(current, new Date(windowOf(current).endAt)), description: 'done' });
    expect(renamed.status).toBe(200);
    for (let i = 0; i < 3; i++) await sut.runPassNow();
    expect(await live.runsOf(schedule.id)).toHaveLength(1);
    expect(await live.vmsOf(schedule.id)).toEqual([]);
  });

  it("previews an edit of a window under way as its save would judge it (the saved schedule's id names it)", async () => {
    const schedule = await live.liveOnce(30);
    const preview = (body: Record<string, unknown>) =>
      kit
        .http()
        .post('/v1/schedules/preview')
        .send({ timeZone: 'UTC', leadTimeMinutes: 0, ...body });

    const later = withEnd(schedule, new Date(new Date(windowOf(schedule).endAt).getTime() + 15 * MINUTE));
    const asEdit = await preview({ ...later, scheduleId: schedule.id });
    expect(asEdit.status).toBe(200);
    // Without the id it is a new schedule, whose start may not be past.
    const asNew = await preview(later);
    expect(asNew.status).toBe(400);
    expect((asNew.body as ErrorBody).errors?.map((e) => e.field)).toEqual(['window.startAt']);
    kit.clock.advance(2 * MINUTE);
    const endPast = await preview({ ...withEnd(schedule, new Date(kit.clock.now().getTime() - 1000)), scheduleId: schedule.id });
    expect(endPast.status).toBe(400);
    expect((endPast.body as ErrorBody).errors?.map((e) => e.field)).toEqual(['window.endAt']);

    expect((await live.patch(schedule, { enabled: false })).status).toBe(200);
    expect((await live.finalRun(schedule.id)).state).toBe('stopped');
  });

  it('moves the end a disabled schedule keeps its window until (disableAfterCurrentWindow) with the window', async () => {
    const schedule = await live.liveOnce(30);
    const oldEnd = new Date(windowOf(schedule).endAt);
    const kept = await live.patch(schedule, { enabled: false, disableAfterCurrentWindow: true });
    expect(kept.status).toBe(200);
    expect((kept.body as ScheduleDto).vmsKeptUntil).toBe(oldEnd.toISOString());

    // The console's form sends the schedule whole, `enabled: false` again, with the longer window.
    const newEnd = new Date(oldEnd.getTime() + 20 * MINUTE);
    const extended = await live.patch(kept.body as ScheduleDto, { ...withEnd(schedule, newEnd), enabled: false });
    expect(extended.status).toBe(200);
    expect((extended.body as ScheduleDto).vmsKeptUntil).toBe(newEnd.toISOString());

    kit.clock.set(new Date(oldEnd.getTime() + MINUTE).toISOString());
    for (let i = 0; i < 3; i++) await sut.runPassNow();
    expect(await live.vmsOf(schedule.id)).toHaveLength(2);
    const during = (await kit.http().get(`/v1/schedules/${schedule.id}`).expect(200)).body as ScheduleDto;
    expect(during).toMatchObject({ enabled: false, vmsKeptUntil: newEnd.toISOString() });

    kit.clock.set(newEnd.toISOString());
    expect(await live.finalRun(schedule.id)).toMatchObject({ state: 'completed', stoppedAt: null });
    expect(await live.vmsOf(schedule.id)).toEqual([]);
    expect(((await kit.http().get(`/v1/schedules/${schedule.id}`).expect(200)).body as ScheduleDto).vmsKeptUntil).toBeNull();
  });

  it('lets a kept window go when an edit moves its start: it is no longer the window kept, and its VMs go', async () => {
    const schedule = await live.liveOnce(30);
    const kept = await live.patch(schedule, { enabled: false, disableAfterCurrentWindow: true });
    expect(kept.status).toBe(200);
    const later = new Date(kit.clock.now().getTime() + 120 * MINUTE);
    const moved = await live.patch(kept.body as ScheduleDto, {
      window: { type: 'once', startAt: later.toISOString(), endAt: new Date(later.getTime() + 30 * MINUTE).toISOString() },
    });
    expect(moved.status).toBe(200);
    expect((moved.body as ScheduleDto).vmsKeptUntil).toBeNull();
    const run = await live.finalRun(schedule.id);
    expect(run.state).toBe('completed');
    expect(await live.vmsOf(schedule.id)).toEqual([]);
  });

  // Last: it sets the clock to a fixed hour, later than where the tests above leave it.
  it('moves the end of a recurring window under way when its duration changes', async () => {
    kit.clock.set('2026-11-24T14:59:00Z');
    const window = { type: 'recurring', cron: '0 * * * *', durationMinutes: 30 };
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(recurringBody(kit, { ...bootable, instanceCount: 2, leadTimeMinutes: 0, timeZone: 'UTC', window }));
    expect(created.status).toBe(201);
    kit.clock.set('2026-11-24T15:00:00Z');
    await live.settle(async () => (await live.runsOf(created.body.id))[0]?.state === 'active', 'window up');
    const longer = await live.patch(created.body as ScheduleDto, { window: { ...window, durationMinutes: 45 } });
    expect(longer.status).toBe(200);

    kit.clock.set('2026-11-24T15:31:00Z');
    for (let i = 0; i < 3; i++) await sut.runPassNow();
    expect(await live.vmsOf(created.body.id)).toHaveLength(2);
    expect((await live.runsOf(created.body.id))[0]?.windowEnd.toISOString()).toBe('2026-11-24T15:45:00.000Z');
    kit.clock.set('2026-11-24T15:45:00Z');
    expect((await live.finalRun(created.body.id)).state).toBe('completed');
    expect(await live.vmsOf(created.body.id)).toEqual([]);
    expect((await live.patch(longer.body as ScheduleDto, { enabled: false })).status).toBe(200);
  });
});
