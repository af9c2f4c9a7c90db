import { firstValueFrom, take, toArray } from 'rxjs';
import type { ScheduleDto } from './dto/schedule.dto';
import { ScheduleEvents } from './schedule-events';
import { SchedulesService } from './schedules.service';
import { insertRun, onceBody, recurringBody, startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';
import { DataSource } from 'typeorm';
import { RunVmEntity } from '../runs/entities/run-vm.entity';
import { RunEntity } from '../runs/entities/run.entity';
import { RunsRepository } from '../runs/runs.repository';

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; reason: string }[];
  openstackRequestId?: string;
}

describe(`${SchedulesService.name} through /v1/schedules`, () => {
  let kit: SchedulesTestKit;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('schedules_api');
  });

  afterAll(async () => {
    await kit?.close();
  });

  beforeEach(() => kit.clock.set('2026-05-01T10:00:00Z')); // a Friday

  const create = async (body: Record<string, unknown>) =>
    (await kit.http().post('/v1/schedules').send(body).expect(201)).body as ScheduleDto;
  const errorOf = async (status: number, body: Record<string, unknown>) =>
    (await kit.http().post('/v1/schedules').send(body).expect(status)).body as ErrorBody;

  describe('POST /v1/schedules', () => {
    it('creates a recurring schedule and answers 201 with the full schedule', async () => {
      kit.clock.set('2026-05-01T16:00:00Z'); // Friday 18:00 in Rome, after the day's window
      const body = recurringBody(kit, {
        timeZone: 'europe/rome',
        window: { type: 'recurring', cron: ' 0  9 * * 1-5', durationMinutes: 480, excludedDates: ['2026-12-25', '2026-06-02'] },
      });
      const res = await kit.http().post('/v1/schedules').send(body).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: body['name'],
        description: '',
        imageId: kit.refs.imageId,
        flavorId: kit.refs.flavorId,
        networkIds: kit.refs.networkIds,
        launch: {}, // none given: Nova's defaults
        instanceCount: 3,
        timeZone: 'Europe/Rome',
        window: {
          type: 'recurring',
          cron: '0 9 * * 1-5',
          durationMinutes: 480,
          validFrom: null,
          validUntil: null,
          excludedDates: ['2026-06-02', '2026-12-25'],
        },
        leadTimeMinutes: 10,
        enabled: true,
        vmsKeptUntil: null,
        state: 'idle',
        nextOccurrence: {
          start: '2026-05-04T07:00:00.000Z',
          end: '2026-05-04T15:00:00.000Z',
          provisionAt: '2026-05-04T06:50:00.000Z',
          localStart: '2026-05-04T09:00:00+02:00',
          localEnd: '2026-05-04T17:00:00+02:00',
          requestedLocalStart: '2026-05-04T09:00',
          dstAdjustment: 'none',
          status: 'scheduled',
          skipReason: null,
        },
        latestRun: null,
        deletingSince: null,
        projectId: expect.stringMatching(/^[0-9a-f]{32}$/),
        projectName: 'admin',
        domainId: 'default',
        createdBy: { id: expect.any(String), name: 'admin' },
        updatedBy: null,
        delegatedBy: null, // the service account in its own project needs no trust
        createdAt: '2026-05-01T16:00:00.000Z',
        updatedAt: '2026-05-01T16:00:00.000Z',
        version: 1,
        // The project's quota has room: the fit check over the next 30 days (CAPACITY_HORIZON_DAYS) finds nothing.
        capacity: { fits: true, horizonEnd: '2026-05-31T16:00:00.000Z', conflicts: [], reason: null },
      });
      // Where it lives: the Location names it, and reading it there gives the same schedule.
      expect(res.headers['location']).toBe(`/v1/schedules/${res.body.id}`);
      const there = await kit
        .http()
        .get(res.headers['location'] as string)
        .expect(200);
      // GET has no capacity check: that comes with a save.
      const { capacity: _capacity, ...saved } = res.body as ScheduleDto & { capacity: unknown };
      expect(there.body).toEqual(saved);
    });

    it('creates a one-off schedule with the default zone and lead time', async () => {
      const created = await create(onceBody(kit, { timeZone: undefined, leadTimeMinutes: undefined }));
      expect(created.timeZone).toBe('UTC');
      expect(created.leadTimeMinutes).toBe(5);
      expect(created.window).toEqual({ type: 'once', startAt: '2026-05-02T10:00:00.000Z', endAt: '2026-05-02T14:00:00.000Z' });
      expect(created.nextOccurrence?.localStart).toBe('2026-05-02T10:00:00+00:00');
    });

    it.each<[string, (kit: SchedulesTestKit) => Record<string, unknown>, { field: string; reason: RegExp }]>([
      ['an unknown time zone', (k) => recurringBody(k, { timeZone: 'Europe/Atlantis' }), { field: 'timeZone', reason: /IANA time zone/ }],
      [
        'an invalid cron',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 25 * * *', durationMinutes: 60 } }),
        { field: 'window.cron', reason: /hour 25 is out of range 0-23/ },
      ],
      [
        'a 4-field cron',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 9 * *', durationMinutes: 60 } }),
        { field: 'window.cron', reason: /exactly 5 fields/ },
      ],
      [
        'an end not after the start',
        (k) => onceBody(k, { window: { type: 'once', startAt: '2026-06-01T10:00:00Z', endAt: '2026-06-01T10:00:00Z' } }),
        { field: 'window.endAt', reason: /after startAt/ },
      ],
      [
        'a one-off start already past',
        (k) => onceBody(k, { window: { type: 'once', startAt: '2026-05-01T09:00:00Z', endAt: '2026-05-01T11:00:00Z' } }),
        { field: 'window.startAt', reason: /already past/ },
      ],
      [
        'a zero duration',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 0 } }),
        { field: 'window.durationMinutes', reason: /must not be less than 1/ },
      ],
      [
        'a duration longer than the period',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 * * * *', durationMinutes: 61 }, leadTimeMinutes: 0 }),
        { field: 'window.durationMinutes', reason: /windows would overlap.*only 60 minutes apart/ },
      ],
      [
        'a 24-hour daily window across a 23-hour day',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 1440 }, leadTimeMinutes: 0 }),
        {
          field: 'window.durationMinutes',
          reason: /2027-03-27T09:00:00\+01:00 and 2027-03-28T09:00:00\+02:00 are only 1380 minutes apart/,
        },
      ],
      [
        'an instant without offset',
        (k) => onceBody(k, { window: { type: 'once', startAt: '2026-06-01T10:00', endAt: '2026-06-01T12:00:00Z' } }),
        { field: 'window.startAt', reason: /RFC 3339/ },
      ],
      [
        'an unknown window type',
        (k) => recurringBody(k, { window: { type: 'weekly', cron: '0 9 * * *' } }),
        { field: 'window.type', reason: /one of the following values: once, recurring/ },
      ],
      ['no window', (k) => recurringBody(k, { window: undefined }), { field: 'window', reason: /should not be null or undefined/ }],
      ['no network', (k) => recurringBody(k, { networkIds: [] }), { field: 'networkIds', reason: /at least 1 elements/ }],
      [
        'too many VMs for the configured maximum',
        (k) => recurringBody(k, { instanceCount: 51 }),
        { field: 'instanceCount', reason: /not be greater than 50/ },
      ],
      ['an unknown field', (k) => recurringBody(k, { colour: 'red' }), { field: 'colour', reason: /not an allowed field/ }],
      [
        'a malformed excluded date',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 9 * * *', durationMinutes: 60, excludedDates: ['2026-02-30'] } }),
        { field: 'window.excludedDates', reason: /YYYY-MM-DD/ },
      ],
      [
        'a cron that never matches',
        (k) => recurringBody(k, { window: { type: 'recurring', cron: '0 0 30 2 *', durationMinutes: 60 } }),
        { field: 'window.cron', reason: /never matches/ },
      ],
    ])('answers 400 for %s, naming the field and the reason', async (_what, body, expected) => {
      const error = await errorOf(400, body(kit));
      expect(error.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: expected.field, reason: expect.stringMatching(expected.reason) })]),
      );
      expect(error.message).toContain(expected.field);
    });

    it('answers 409 when the name is taken, regardless of case', async () => {
      const first = await create(recurringBody(kit, { name: 'Black Friday' }));
      const error = await errorOf(409, recurringBody(kit, { name: 'BLACK FRIDAY' }));
      expect(error.errors).toEqual([{ field: 'name', reason: expect.stringContaining(first.id), constraint: 'unique' }]);
    });

    it('answers 422 naming each reference the cloud does not have', async () => {
      const error = await errorOf(
        422,
        recurringBody(kit, { imageId: 'no-such-image', networkIds: [kit.refs.networkIds[0], 'no-such-net'] }),
      );
      expect(error.errors).toEqual([
        { field: 'imageId', reason: 'no image with id no-such-image in the cloud', constraint: 'existsInCloud' },
        { field: 'networkIds.1', reason: 'no network with id no-such-net in the cloud', constraint: 'existsInCloud' },
      ]);
      expect((await errorOf(422, recurringBody(kit, { flavorId: '999' }))).errors?.[0]?.field).toBe('flavorId');
    });

    it('answers 503 when the cloud cannot be asked, keeping its words', async () => {
      const fault = await kit.sim.control.failNext(10, { service: 'image', status: 503 });
      try {
        const error = await errorOf(503, recurringBody(kit));
        expect(error.message).toMatch(/could not be asked whether image .* exists: Glance 503/);
      } finally {
        await kit.sim.control.removeFault(fault.id).catch(() => undefined);
      }
      await create(recurringBody(kit));
    });
  });

  describe('GET /v1/schedules/{id}', () => {
    it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
      const bad = (await kit.http().get('/v1/schedules/42').expect(400)).body as ErrorBody;
      expect(bad.errors).toEqual([{ field: 'id', reason: 'must be a UUID', constraint: 'isUuid' }]);
      await kit.http().get('/v1/schedules/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });

  describe('PATCH /v1/schedules/{id}', () => {
    it('changes the given fields, bumps the version and re-plans the window', async () => {
      const created = await create(recurringBody(kit));
      const res = await kit
        .http()
        .patch(`/v1/schedules/${created.id}`)
        .send({ version: 1, instanceCount: 5, window: { type: 'recurring', cron: '30 8 * * 1-5', durationMinutes: 60 } })
        .expect(200);
      const updated = res.body as ScheduleDto;
      expect(updated).toMatchObject({
        instanceCount: 5,
        version: 2,
        name: created.name,
        window: { cron: '30 8 * * 1-5', durationMinutes: 60 },
      });
      expect(updated.nextOccurrence?.localStart).toBe('2026-05-04T08:30:00+02:00');
    });

    it('answers 409 to a stale version, saying which is current', async () => {
      const created = await create(recurringBody(kit));
      await kit.http().patch(`/v1/schedules/${created.id}`).send({ version: 1, description: 'first' }).expect(200);
      const stale = (await kit.http().patch(`/v1/schedules/${created.id}`).send({ version: 1, description: 'second' }).expect(409))
        .body as ErrorBody;
      expect(stale.errors).toEqual([{ field: 'version', reason: 'is stale: the current version is 2', constraint: 'currentVersion' }]);
      expect(((await kit.http().get(`/v1/schedules/${created.id}`).expect(200)).body as ScheduleDto).description).toBe('first');
    });

    it('lets exactly one of two concurrent changes of the same version win', async () => {
      const created = await create(recurringBody(kit));
      const attempts = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          kit
            .http()
            .patch(`/v1/schedules/${created.id}`)
            .send({ version: 1, description: `writer ${i}` }),
        ),
      );
      expect(attempts.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      const winner = attempts.find((r) => r.status === 200)?.body as ScheduleDto;
      const stored = (await kit.http().get(`/v1/schedules/${created.id}`).expect(200)).body as ScheduleDto;
      expect(stored).toMatchObject({ version: 2, description: winner.description });
    });

    it('requires the version, checks changed references and keeps a past one-off start when only the name changes', async () => {
      const created = await create(onceBody(kit));
      const missing = (await kit.http().patch(`/v1/schedules/${created.id}`).send({ name: 'x' }).expect(400)).body as ErrorBody;
      expect(missing.errors?.[0]?.field).toBe('version');
      await kit.http().patch(`/v1/schedules/${created.id}`).send({ version: 1, imageId: 'gone' }).expect(422);
      kit.clock.set('2026-05-02T11:00:00Z'); // the window has started
      await kit
        .http()
        .patch(`/v1/schedules/${created.id}`)
        .send({ version: 1, name: `${created.name}-renamed` })
        .expect(200);
    });

    it('answers 409 when the new name is taken', async () => {
      const a = await create(recurringBody(kit));
      const b = await create(recurringBody(kit));
      await kit.http().patch(`/v1/schedules/${b.id}`).send({ version: 1, name: a.name.toUpperCase() }).expect(409);
    });
  });

  describe('DELETE /v1/schedules/{id}', () => {
    it('removes a schedule without VMs at once (204)', async () => {
      const created = await create(recurringBody(kit));
      await insertRun(kit, created.id, {
        windowStart: '2026-04-30T07:00:00Z',
        state: 'completed',
        vms: [{ status: 'DELETED', deleted: true }],
      });
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(204);
      await kit.http().get(`/v1/schedules/${created.id}`).expect(404);
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(404);
    });

    it('keeps the history of a deleted schedule: its runs are still listed, with its name', async () => {
      const created = await create(recurringBody(kit));
      await insertRun(kit, created.id, {
        windowStart: '2026-04-29T07:00:00Z',
        state: 'completed',
        vms: [{ status: 'DELETED', deleted: true }],
      });
      await insertRun(kit, created.id, { windowStart: '2026-04-30T07:00:00Z', state: 'failed' });
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(204);
      await kit.http().get(`/v1/schedules/${created.id}`).expect(404);

      const page = (await kit.http().get(`/v1/schedules/${created.id}/runs`).expect(200)).body as {
        items: { scheduleId: string; scheduleName: string; state: string; vms: { status: string }[] }[];
        total: number;
      };
      expect(page.total).toBe(2);
      expect(page.items.map((r) => [r.scheduleId, r.scheduleName, r.state, r.vms.length])).toEqual([
        [created.id, created.name, 'failed', 0],
        [created.id, created.name, 'completed', 1],
      ]);
    });

    it('keeps track of a schedule whose VMs are up: 202, deleting, then removed by the engine', async () => {
      const created = await create(recurringBody(kit));
      const events = firstValueFrom(kit.app.get(ScheduleEvents).changes$.pipe(take(2), toArray()));
      const run = await insertRun(kit, created.id, {
        windowStart: '2026-05-01T07:00:00Z',
        state: 'active',
        vms: [{ status: 'ACTIVE' }, { status: 'ACTIVE' }],
      });

      const accepted = await kit.http().delete(`/v1/schedules/${created.id}`).expect(202);
      expect(accepted.body).toEqual({ id: created.id, state: 'deleting', message: expect.stringContaining('torn down') });
      const deleting = (await kit.http().get(`/v1/schedules/${created.id}`).expect(200)).body as ScheduleDto;
      expect(deleting).toMatchObject({ state: 'deleting', deletingSince: '2026-05-01T10:00:00.000Z' });
      await kit.http().patch(`/v1/schedules/${created.id}`).send({ version: deleting.version, description: 'x' }).expect(409);
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(202);

      // The engine: not while VMs remain; once they are gone, the schedule goes.
      const runs = kit.app.get(RunsRepository);
      expect(await runs.completeDeletion(created.id)).toBe(false);
      const dataSource = kit.app.get(DataSource);
      await dataSource.getRepository(RunVmEntity).update({ runId: run.id }, { status: 'DELETED', deletedAt: kit.clock.now() });
      await dataSource.getRepository(RunEntity).update({ id: run.id }, { state: 'completed', tornDownAt: kit.clock.now() });
      expect(await runs.completeDeletion(created.id)).toBe(true);
      await kit.http().get(`/v1/schedules/${created.id}`).expect(404);
      expect((await events).map((e) => e.kind)).toEqual(['deleting', 'deleting']);
      // The run and its VMs outlive the schedule.
      const history = (await kit.http().get(`/v1/schedules/${created.id}/runs`).expect(200)).body as {
        items: { id: string; scheduleName: string; state: string; vms: unknown[] }[];
      };
      expect(history.items).toEqual([expect.objectContaining({ id: run.id, scheduleName: created.name, state: 'completed' })]);
      expect(history.items[0].vms).toHaveLength(2);
    });
  });

  describe('events', () => {
    it('announces creations, updates and deletions after they are committed', async () => {
      const seen = firstValueFrom(kit.app.get(ScheduleEvents).changes$.pipe(take(3), toArray()));
      const created = await create(recurringBody(kit));
      await kit.http().patch(`/v1/schedules/${created.id}`).send({ version: 1, enabled: false }).expect(200);
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(204);
      expect(await seen).toEqual([
        { scheduleId: created.id, kind: 'created', version: 1 },
        { scheduleId: created.id, kind: 'updated', version: 2 },
        { scheduleId: created.id, kind: 'deleted' },
      ]);
    });
  });

  describe('GET /v1/schedules/{id}/occurrences and POST /v1/schedules/preview', () => {
    it('lists windows across the 2026 spring-forward in Rome, marking the shifted start', async () => {
      kit.clock.set('2026-03-27T12:00:00Z');
      const created = await create(
        recurringBody(kit, { window: { type: 'recurring', cron: '30 2 * * *', durationMinutes: 60 }, leadTimeMinutes: 0 }),
      );
      const res = await kit.http().get(`/v1/schedules/${created.id}/occurrences?count=3`).expect(200);
      expect(res.body).toMatchObject({
        timeZone: 'Europe/Rome',
        from: '2026-03-27T12:00:00.000Z',
        occurrences: [
          { localStart: '2026-03-28T02:30:00+01:00', dstAdjustment: 'none' },
          {
            start: '2026-03-29T01:00:00.000Z',
            localStart: '2026-03-29T03:00:00+02:00',
            requestedLocalStart: '2026-03-29T02:30',
            dstAdjustment: 'shifted-forward',
          },
          { localStart: '2026-03-30T02:30:00+02:00', dstAdjustment: 'none' },
        ],
      });
    });

    it('answers 400 to a count out of range', async () => {
      const created = await create(recurringBody(kit));
      for (const count of ['0', '101', 'ten']) {
        const error = (await kit.http().get(`/v1/schedules/${created.id}/occurrences?count=${count}`).expect(400)).body as ErrorBody;
        expect(error.errors?.[0]?.field).toBe('count');
      }
    });

    it('previews an unsaved schedule with skipped dates and the fall-back in New York', async () => {
      const res = await kit
        .http()
        .post('/v1/schedules/preview?count=2&from=2026-10-31T00:00:00Z')
        .send({
          timeZone: 'America/New_York',
          leadTimeMinutes: 0,
          window: { type: 'recurring', cron: '30 1 * * *', durationMinutes: 30, excludedDates: ['2026-10-31'] },
        })
        .expect(200);
      expect((res.body as { occurrences: { localStart: string; status: string; dstAdjustment: string }[] }).occurrences).toEqual([
        expect.objectContaining({ localStart: '2026-10-31T01:30:00-04:00', status: 'skipped' }),
        expect.objectContaining({ localStart: '2026-11-01T01:30:00-04:00', status: 'scheduled', dstAdjustment: 'first-of-repeated' }),
        expect.objectContaining({ localStart: '2026-11-02T01:30:00-05:00', status: 'scheduled', dstAdjustment: 'none' }),
      ]);
      const invalid = (
        await kit
          .http()
          .post('/v1/schedules/preview')
          .send({ window: { type: 'recurring', cron: '* * * * *', durationMinutes: 2 } })
          .expect(400)
      ).body as ErrorBody;
      expect(invalid.errors?.[0]?.field).toBe('window.durationMinutes');
    });
  });

  describe('GET /v1/schedules/{id}/runs', () => {
    it('pages the runs newest first, each with its VMs', async () => {
      const created = await create(recurringBody(kit));
      await insertRun(kit, created.id, {
        windowStart: '2026-04-28T07:00:00Z',
        state: 'completed',
        vms: [{ status: 'DELETED', deleted: true }],
      });
      await insertRun(kit, created.id, {
        windowStart: '2026-04-30T07:00:00Z',
        state: 'degraded',
        vms: [{ status: 'ACTIVE' }, { status: 'ERROR' }],
      });
      await insertRun(kit, created.id, { windowStart: '2026-04-29T07:00:00Z', state: 'failed' });
      const page = (await kit.http().get(`/v1/schedules/${created.id}/runs?limit=2`).expect(200)).body as {
        items: {
          windowStart: string;
          scheduleName: string;
          state: string;
          vms: { status: string; faultMessage: string | null }[];
          lastError: unknown;
        }[];
        total: number;
      };
      expect(page.total).toBe(3);
      expect(page.items.map((r) => r.scheduleName)).toEqual([created.name, created.name]);
      expect(page.items.map((r) => [r.windowStart, r.state])).toEqual([
        ['2026-04-30T07:00:00.000Z', 'degraded'],
        ['2026-04-29T07:00:00.000Z', 'failed'],
      ]);
      expect(page.items[0].vms.map((v) => [v.status, v.faultMessage])).toEqual([
        ['ACTIVE', null],
        ['ERROR', 'No valid host was found.'],
      ]);
      expect(page.items[1].lastError).toEqual({
        message: 'Quota exceeded for instances',
        requestId: 'req-0001',
        at: '2026-05-01T10:00:00.000Z',
      });
      const rest = (await kit.http().get(`/v1/schedules/${created.id}/runs?limit=2&offset=2`).expect(200)).body as {
        items: { state: string }[];
      };
      expect(rest.items.map((r) => r.state)).toEqual(['completed']);
      await kit.http().get('/v1/schedules/00000000-0000-4000-8000-000000000000/runs').expect(404);
    });

    it('answers an empty page for a schedule without runs, and 404 once it is deleted', async () => {
      const created = await create(recurringBody(kit));
      expect((await kit.http().get(`/v1/schedules/${created.id}/runs`).expect(200)).body).toEqual({
        items: [],
        total: 0,
        limit: 20,
        offset: 0,
      });
      await kit.http().delete(`/v1/schedules/${created.id}`).expect(204);
      await kit.http().get(`/v1/schedules/${created.id}/runs`).expect(404);
    });
  });

  describe('Swagger at /docs', () => {
    interface Operation {
      operationId: string;
      tags: string[];
      summary?: string;
      description?: string;
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string; anyOf?: { $ref?: string }[] } }> }>;
    }

    it('documents every schedules operation under its method name, one tag, with ApiErrorDto errors', async () => {
      const doc = (await kit.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, Operation>>;
        components: { schemas: Record<string, unknown> };
      };
      const operations = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v1/schedules'))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
      expect(Object.fromEntries(operations.map(({ path, method, op }) => [`${method.toUpperCase()} ${path}`, op.operationId]))).toEqual({
        'GET /v1/schedules': 'listSchedules',
        'POST /v1/schedules': 'createSchedule',
        'POST /v1/schedules/preview': 'previewSchedule',
        'GET /v1/schedules/{id}': 'getSchedule',
        'PATCH /v1/schedules/{id}': 'updateSchedule',
        'DELETE /v1/schedules/{id}': 'deleteSchedule',
        'GET /v1/schedules/{id}/occurrences': 'listOccurrences',
        'GET /v1/schedules/{id}/runs': 'listRuns',
        'GET /v1/schedules/{id}/events': 'listEvents',
        'POST /v1/schedules/{id}/delegation': 'renewDelegation',
      });
      for (const { op } of operations) {
        expect(op.tags).toEqual(['schedules']);
        expect(op.summary && op.description).toBeTruthy();
        for (const [status, response] of Object.entries(op.responses)) {
          // A 422 of a save may also be the capacity check's CapacityErrorDto (an ApiErrorDto with `capacity`).
          const schema = response.content?.['application/json']?.schema;
          const refs = schema?.anyOf ? schema.anyOf.map((s) => s.$ref) : [schema?.$ref];
          if (Number(status) >= 400) expect(refs[0]).toBe('#/components/schemas/ApiErrorDto');
          if (refs.length > 1)
            expect([status, refs]).toEqual(['422', ['#/components/schemas/ApiErrorDto', '#/components/schemas/CapacityErrorDto']]);
        }
      }
      const create = doc.paths['/v1/schedules']['post'];
      // 401, 403 and 429 come with the Keystone token every schedules operation needs (auth/); 413 with a body, 500 with any.
      expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '422', '429', '500', '503']);
      expect(Object.keys(doc.paths['/v1/schedules/{id}']['patch'].responses).sort()).toEqual([
        '200',
        '400',
        '401',
        '403',
        '404',
        '409',
        '413',
        '422',
        '429',
        '500',
        '503',
      ]);
      expect(Object.keys(doc.paths['/v1/schedules/{id}']['delete'].responses).sort()).toEqual([
        '202',
        '204',
        '400',
        '401',
        '403',
        '404',
        '429',
        '500',
        '503',
      ]);
      expect(create.description).toContain('first valid instant after the gap');
      expect(doc.components.schemas).toEqual(
        expect.objectContaining({
          OnceWindowDto: expect.anything(),
          RecurringWindowDto: expect.anything(),
          ScheduleState: expect.anything(),
          RunDto: expect.anything(),
        }),
      );
    });
  });
});
