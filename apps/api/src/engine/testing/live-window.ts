import { DataSource } from 'typeorm';
import { RunEntity } from '../../runs/entities/run.entity';
import { isFinalRunState } from '../../runs/run-lifecycle';
import type { ScheduleDto } from '../../schedules/dto/schedule.dto';
import { onceBody, settlePasses, type SchedulesTestKit } from '../../schedules/testing/schedules-test-kit';
import type { EngineService } from '../engine.service';
import { OWNER_TAG } from '../ownership';

const MINUTE = 60_000;

/**
 * What the engine tests that change a schedule during its window share: a kit with the engine on (its passes run by
 * hand), a one-off window brought up, the schedule's runs and VMs as they stand, and a PATCH with the version read.
 */
export function liveWindows(kit: SchedulesTestKit, engine: EngineService, bootable: { imageId: string; flavorId: string }) {
  const runsOf = async (scheduleId: string) =>
    kit.app
      .get(DataSource)
      .getRepository(RunEntity)
      .find({ where: { scheduleId }, order: { windowStart: 'ASC' } });
  const vmsOf = async (scheduleId: string) =>
    (await kit.sim.control.servers({ tag: OWNER_TAG })).filter(
      (s) => !s.deleting && s.metadata['peak-scheduler:schedule-id'] === scheduleId,
    );
  const settle = (done: () => Promise<boolean>, what: string) => settlePasses(kit, () => engine.runPassNow(), done, what);
  return {
    runsOf,
    vmsOf,
    settle,
    /** Runs passes until the schedule's first run is closed, and returns it. */
    async finalRun(scheduleId: string): Promise<RunEntity> {
      await settle(async () => {
        const state = (await runsOf(scheduleId))[0]?.state;
        return state !== undefined && isFinalRunState(state);
      }, 'run closed');
      return (await runsOf(scheduleId))[0] as RunEntity;
    },
    /** A one-off window starting a minute from the kit's clock (no lead time) for `minutes`, brought up with 2 VMs. */
    async liveOnce(minutes = 30): Promise<ScheduleDto> {
      const start = new Date(kit.clock.now().getTime() + MINUTE);
      const window = { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + minutes * MINUTE).toISOString() };
      const created = await kit
        .http()
        .post('/v1/schedules')
        .send(onceBody(kit, { ...bootable, instanceCount: 2, leadTimeMinutes: 0, window }));
      if (created.status !== 201) throw new Error(`POST /v1/schedules: ${created.status} ${JSON.stringify(created.body)}`);
      kit.clock.advance(MINUTE);
      await settle(async () => (await runsOf(created.body.id))[0]?.state === 'active', 'window up');
      return (await kit.http().get(`/v1/schedules/${created.body.id}`).expect(200)).body as ScheduleDto;
    },
    /** `PATCH /v1/schedules/{id}` with the schedule's version and `body`. */
    patch: (schedule: ScheduleDto, body: Record<string, unknown>) =>
      kit
        .http()
        .patch(`/v1/schedules/${schedule.id}`)
        .send({ version: schedule.version, ...body }),
  };
}
