import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource, type FindOptionsWhere } from 'typeorm';
import { keystoneToken } from '../testing/keystone-token';
import { onceBody, startSchedulesTestKit, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { AuditRecordEntity } from './audit-record.entity';
import { AuditRecorder } from './audit-recorder';
import { auditConfig } from './audit.config';
import { AuditService } from './audit.service';
import type { AuditRecordDto, AuditRecordListDto } from './dto/audit-record.dto';

const DAY_MS = 86_400_000;

/**
 * Every write through the API leaves one audit record when it is answered, refused ones included; members read
 * their project's records, a cloud admin all. The kit's own requests go as the simulator's `admin` (a cloud admin);
 * `demo` is a member of the `demo` project.
 */
describe('audit log', () => {
  jest.setTimeout(60_000);
  let kit: SchedulesTestKit;
  let demo: string;
  let demoProjectId: string;
  let adminUserId: string;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('audit');
    demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    demoProjectId = ((await kit.http().get('/v1/auth/tokens').set('x-auth-token', demo).expect(200)).body as { project: { id: string } })
      .project.id;
    adminUserId = ((await kit.http().get('/v1/auth/tokens').expect(200)).body as { user: { id: string } }).user.id;
  });

  afterAll(() => kit?.close());

  /** The records matching `where`, oldest first, once every answered request's record is written. */
  async function recordsOf(where: FindOptionsWhere<AuditRecordEntity>, expected: number): Promise<AuditRecordEntity[]> {
    const recorder = kit.app.get(AuditRecorder);
    const repository = kit.app.get(DataSource).getRepository(AuditRecordEntity);
    // The record is written after the answer (or, for an abandoned request, once its handler is done): poll for it.
    for (let attempt = 0; attempt < 1000; attempt++) {
      await recorder.flush();
      const found = await repository.find({ where, order: { at: 'ASC', outcome: 'ASC' } });
      if (found.length >= expected) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return repository.find({ where, order: { at: 'ASC' } });
  }

  it('records a create, a change, a switch and a delete once each, with the user and the changed fields', async () => {
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(onceBody(kit, { instanceCount: 2, launch: { userData: '#!/bin/sh\necho db-password=s3cret' } }))
      .expect(201);
    const id = (created.body as { id: string }).id;
    const [create] = await recordsOf({ targetId: id, action: 'schedule.create' }, 1);
    expect(create).toMatchObject({
      userId: adminUserId,
      userName: 'admin',
      authMethod: 'password',
      method: 'POST',
      route: '/v1/schedules',
      targetType: 'schedule',
      outcome: 201,
      before: null,
      errorKind: null,
    });
    expect(create.roles).toContain('admin');
    expect(create.requestId).toBe(created.headers['x-request-id']);
    expect(create.sourceAddress).toMatch(/127\.0\.0\.1/);
    expect(create.after).toMatchObject({ instanceCount: 2, enabled: true, launch: { userData: '***' } });
    expect(JSON.stringify(create)).not.toContain('s3cret');

    // The records are ordered by the (injected) clock, which stands still unless moved.
    kit.clock.advance(1000);
    await kit.http().patch(`/v1/schedules/${id}`).send({ version: 1, instanceCount: 4, description: 'bigger' }).expect(200);
    kit.clock.advance(1000);
    await kit.http().patch(`/v1/schedules/${id}`).send({ version: 2, enabled: false }).expect(200);
    kit.clock.advance(1000);
    await kit.http().delete(`/v1/schedules/${id}`).expect(204);

    const all = await recordsOf({ targetId: id }, 4);
    expect(all.map((r) => [r.action, r.outcome])).toEqual([
      ['schedule.create', 201],
      ['schedule.update', 200],
      ['schedule.disable', 200],
      ['schedule.delete', 204],
    ]);
    const [, update, disable, deletion] = all;
    expect(update).toMatchObject({
      route: '/v1/schedules/:id',
      before: { instanceCount: 2, description: '' },
      after: { instanceCount: 4, description: 'bigger' },
    });
    expect(disable).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
    expect(deletion).toMatchObject({ userName: 'admin', after: null, before: { instanceCount: 4, launch: { userData: '***' } } });
  });

  it('records refused writes: a delete of no schedule, a token the guard refuses, a body too large, a failed login', async () => {
    const missing = randomUUID();
    await kit.http().delete(`/v1/schedules/${missing}`).expect(404);
    const [notFound] = await recordsOf({ targetId: missing }, 1);
    expect(notFound).toMatchObject({
      userName: 'admin',
      action: 'schedule.delete',
      targetType: 'schedule',
      outcome: 404,
      errorKind: 'Not Found',
      before: null,
      after: null,
    });
    expect(notFound.errorMessage).toContain(missing);

    const refused = randomUUID();
    await kit.http().patch(`/v1/schedules/${refused}`).set('x-auth-token', 'not-a-token').send({ version: 1 }).expect(401);
    const [unauthenticated] = await recordsOf({ targetId: refused }, 1);
    expect(unauthenticated).toMatchObject({ userId: null, action: 'schedule.update', outcome: 401, errorKind: 'Unauthorized' });

    const large = randomUUID();
    await kit
      .http()
      .patch(`/v1/schedules/${large}`)
      .send({ version: 1, description: 'x'.repeat(200_000) })
      .expect(413);
    const [tooLarge] = await recordsOf({ targetId: large }, 1);
    expect(tooLarge).toMatchObject({ route: '/v1/schedules/:id', action: 'schedule.update', outcome: 413 });

    await kit.http().post('/v1/auth/tokens').send({ username: 'demo', password: 'wrong-Pa55word' }).expect(401);
    const [login] = await recordsOf({ action: 'auth.login', outcome: 401 }, 1);
    expect(login).toMatchObject({ userId: null, userName: 'demo', authMethod: 'password', before: null, after: null });
    expect(JSON.stringify(login)).not.toContain('wrong-Pa55word');
  });

  it('records a request the client abandoned as 499, with what its handler went on to change', async () => {
    // Keystone's answers are quick; the image check of a create is held back long enough to hang up during it.
    await kit.sim.control.configure({ latency: [{ service: 'image', method: 'GET', path: '/image/**', delayMs: 500 }] });
    const name = `abandoned-${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify(onceBody(kit, { name }));
    const { port } = (kit.app.getHttpServer() as Server).address() as AddressInfo;
    try {
      await kit.sim.control.clearRequests();
      const sent = httpRequest({ port, method: 'POST', path: '/v1/schedules', headers: { 'content-type': 'application/json' } });
      sent.on('error', () => undefined);
      sent.end(body);
      for (let attempt = 0; (await kit.sim.control.requests({ method: 'GET' })).every((r) => !r.path.startsWith('/image/')); attempt++)
        if (attempt > 1000) throw new Error('the create never asked for its image');
        else await new Promise((resolve) => setTimeout(resolve, 5));
      sent.destroy();

      const [abandoned] = await recordsOf({ outcome: 499 }, 1);
      expect(abandoned).toMatchObject({ action: 'schedule.create', userName: 'admin', errorKind: 'Client Closed Request', before: null });
      expect(abandoned.after).toMatchObject({ name });
    } finally {
      await kit.sim.control.configure({ latency: [] });
    }
  });

  it('leaves previews, which change nothing, out', async () => {
    await kit
      .http()
      .post('/v1/schedules/preview')
      .send({ window: onceBody(kit)['window'] })
      .expect(200);
    await kit.http().get('/v1/schedules').expect(200);
    // A write sent after them is recorded: had they been, their records would be written by now too.
    const sentinel = randomUUID();
    await kit.http().delete(`/v1/schedules/${sentinel}`).expect(404);
    await recordsOf({ targetId: sentinel }, 1);
    expect(await recordsOf({ route: '/v1/schedules/preview' }, 0)).toEqual([]);
    expect(await recordsOf({ method: 'GET' }, 0)).toEqual([]);
  });

  it("shows members their own project's records only, and cloud admins everyone's", async () => {
    const mine = await kit.http().post('/v1/schedules').set('x-auth-token', demo).send(onceBody(kit)).expect(201);
    const demoSchedule = (mine.body as { id: string }).id;
    await recordsOf({ targetId: demoSchedule }, 1);

    const asDemo = (await kit.http().get('/v1/audit').set('x-auth-token', demo).expect(200)).body as AuditRecordListDto;
    expect(asDemo.items.length).toBeGreaterThan(0);
    expect(asDemo.items.every((r) => r.projectId === demoProjectId)).toBe(true);
    expect(asDemo.items.map((r) => r.targetId)).toContain(demoSchedule);

    const denied = await kit.http().get('/v1/audit?projectId=some-other-project').set('x-auth-token', demo).expect(403);
    expect((denied.body as { message: string }).message).toContain(
      'only a cloud admin may read the audit log of project some-other-project',
    );

    const asAdmin = (await kit.http().get('/v1/audit?limit=100').expect(200)).body as AuditRecordListDto;
    const projects = new Set(asAdmin.items.map((r) => r.projectId));
    expect(projects.has(demoProjectId)).toBe(true);
    expect([...projects].some((p) => p !== demoProjectId)).toBe(true);
    const onlyDemo = (await kit.http().get(`/v1/audit?projectId=${demoProjectId}`).expect(200)).body as AuditRecordListDto;
    expect(onlyDemo.total).toBe(asDemo.total);
  });

  it('filters by user, target, action and time, and pages newest first', async () => {
    kit.clock.advance(60_000);
    const start = kit.clock.now().getTime();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      kit.clock.advance(1000);
      const created = await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
      ids.push((created.body as { id: string }).id);
    }
    await recordsOf({ action: 'schedule.create', targetId: ids[2] }, 1);

    const byTarget = (await kit.http().get(`/v1/audit?targetId=${ids[1]}`).expect(200)).body as AuditRecordListDto;
    expect(byTarget.items.map((r: AuditRecordDto) => r.targetId)).toEqual([ids[1]]);

    const query = `action=schedule.create&userId=${adminUserId}`;
    const all = (await kit.http().get(`/v1/audit?${query}&limit=100`).expect(200)).body as AuditRecordListDto;
    expect(all.items.every((r) => r.action === 'schedule.create' && r.userId === adminUserId)).toBe(true);
    expect(all.total).toBe(all.items.length);
    expect(all.items.map((r) => r.at)).toEqual([...all.items.map((r) => r.at)].sort().reverse());

    const first = (await kit.http().get(`/v1/audit?${query}&limit=2`).expect(200)).body as AuditRecordListDto;
    const second = (await kit.http().get(`/v1/audit?${query}&limit=2&offset=2`).expect(200)).body as AuditRecordListDto;
    expect(first).toMatchObject({ total: all.total, limit: 2, offset: 0 });
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(all.items.slice(0, 4).map((r) => r.id));

    // Records carry the kit's clock: `from` is inclusive, `to` exclusive.
    const at = kit.clock.now().getTime();
    const inside = (
      await kit
        .http()
        .get(`/v1/audit?${query}&from=${iso(start)}&to=${iso(at + 1)}`)
        .expect(200)
    ).body as AuditRecordListDto;
    expect(inside.items.map((r) => r.targetId)).toEqual([...ids].reverse());
    const last = (
      await kit
        .http()
        .get(`/v1/audit?${query}&from=${iso(at)}`)
        .expect(200)
    ).body as AuditRecordListDto;
    expect(last.items.map((r) => r.targetId)).toEqual([ids[2]]);
    const before = (
      await kit
        .http()
        .get(`/v1/audit?${query}&from=${iso(start)}&to=${iso(at)}`)
        .expect(200)
    ).body as AuditRecordListDto;
    expect(before.total).toBe(2);
    const later = (
      await kit
        .http()
        .get(`/v1/audit?${query}&from=${iso(at + 1)}`)
        .expect(200)
    ).body as AuditRecordListDto;
    expect(later).toMatchObject({ total: 0, items: [] });

    await kit.http().get('/v1/audit?from=yesterday').expect(400);
  });

  it('prunes records older than AUDIT_RETENTION_DAYS and keeps the others', async () => {
    const repository = kit.app.get(DataSource).getRepository(AuditRecordEntity);
    const now = kit.clock.now().getTime();
    const row = (daysAgo: number): AuditRecordEntity =>
      Object.assign(new AuditRecordEntity(), {
        id: randomUUID(),
        at: new Date(now - daysAgo * DAY_MS),
        userId: 'u',
        userName: 'old',
        projectId: 'p',
        roles: [],
        authMethod: 'password',
        requestId: randomUUID(),
        sourceAddress: null,
        method: 'DELETE',
        route: '/v1/schedules/:id',
        action: 'schedule.delete',
        targetType: 'schedule',
        targetId: 'pruning',
        before: null,
        after: null,
        outcome: 204,
        errorKind: null,
        errorMessage: null,
      });
    const old = row(366);
    const kept = row(364);
    await repository.save([old, kept]);

    expect(await kit.app.get(AuditService).pruneNow()).toBeGreaterThanOrEqual(1);
    const left = await repository.find({ where: { targetId: 'pruning' } });
    expect(left.map((r) => r.id)).toEqual([kept.id]);
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

describe('auditConfig', () => {
  const unset = () => delete process.env['AUDIT_RETENTION_DAYS'];
  beforeEach(unset);
  afterEach(unset);

  it('keeps records a year unless told otherwise, and refuses less than a day, naming the variable', () => {
    expect(auditConfig()).toEqual({ retentionDays: 365 });
    process.env['AUDIT_RETENTION_DAYS'] = '30';
    expect(auditConfig()).toEqual({ retentionDays: 30 });
    process.env['AUDIT_RETENTION_DAYS'] = '0';
    expect(() => auditConfig()).toThrow(/AUDIT_RETENTION_DAYS: must be an integer >= 1/);
  });
});
