import { DataSource } from 'typeorm';
import { keystoneToken } from '../testing/keystone-token';
import { ScheduleEntity } from './entities/schedule.entity';
import { OwnershipBackfill } from './ownership-backfill';
import { insertRun, onceBody, startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';

/**
 * Every schedule belongs to the project of the token that created it. A project's members see and manage only
 * their project's schedules (another project's are 404, as in OpenStack); a cloud admin sees every project's and
 * may filter by one. The simulator's `demo` user is a member of `demo`; `admin` is admin of the service project.
 */
describe('schedules belong to projects', () => {
  jest.setTimeout(60_000);
  let kit: SchedulesTestKit;
  let demo: string;
  let demoProjectId: string;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('projects');
    demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
    const who = await kit.http().get('/v1/auth/tokens').set('x-auth-token', demo).expect(200);
    demoProjectId = (who.body as { project: { id: string } }).project.id;
  });

  afterAll(() => kit?.close());

  const asDemo = {
    get: (url: string) => kit.http().get(url).set('x-auth-token', demo),
    post: (url: string, body: object) => kit.http().post(url).set('x-auth-token', demo).send(body),
    patch: (url: string, body: object) => kit.http().patch(url).set('x-auth-token', demo).send(body),
    delete: (url: string) => kit.http().delete(url).set('x-auth-token', demo),
  };

  it("records the creator's project and user, and keeps each project to its own schedules", async () => {
    const mine = await asDemo.post('/v1/schedules', onceBody(kit, { name: 'demo-peak' }));
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ projectId: demoProjectId, projectName: 'demo', createdBy: { name: 'demo' }, updatedBy: null });
    const theirs = (
      await kit
        .http()
        .post('/v1/schedules')
        .send(onceBody(kit, { name: 'admin-peak' }))
        .expect(201)
    ).body as {
      id: string;
      projectName: string;
    };
    expect(theirs.projectName).toBe('admin');

    // The member lists, reads and changes their own project's schedules only.
    const listed = (await asDemo.get('/v1/schedules').expect(200)).body as { items: { name: string }[]; total: number };
    expect(listed.items.map((s) => s.name)).toEqual(['demo-peak']);
    expect(listed.total).toBe(1);
    await asDemo.get(`/v1/schedules/${theirs.id}`).expect(404);
    await asDemo.get(`/v1/schedules/${theirs.id}/runs`).expect(404);
    await asDemo.get(`/v1/schedules/${theirs.id}/occurrences`).expect(404);
    await asDemo.patch(`/v1/schedules/${theirs.id}`, { version: 1, enabled: false }).expect(404);
    await asDemo.delete(`/v1/schedules/${theirs.id}`).expect(404);
    await asDemo.get(`/v1/schedules?projectId=${encodeURIComponent(theirs.id)}`).expect(403);
    const changed = await asDemo
      .patch(`/v1/schedules/${(mine.body as { id: string }).id}`, { version: 1, description: 'by demo' })
      .expect(200);
    expect(changed.body).toMatchObject({ description: 'by demo', updatedBy: { name: 'demo' } });

    // The cloud admin sees both, and may filter by project.
    const all = (await kit.http().get('/v1/schedules').expect(200)).body as { items: { name: string }[] };
    expect(all.items.map((s) => s.name)).toEqual(['admin-peak', 'demo-peak']);
    const filtered = (await kit.http().get(`/v1/schedules?projectId=${demoProjectId}`).expect(200)).body as { items: { name: string }[] };
    expect(filtered.items.map((s) => s.name)).toEqual(['demo-peak']);
    await kit
      .http()
      .get(`/v1/schedules/${(mine.body as { id: string }).id}`)
      .expect(200);
  });

  it('answers 422 to a token from an application credential, which cannot create the trust the engine needs', async () => {
    const res = await fetch(`${kit.sim.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { name: 'demo-app', secret: 'secret', user: { name: 'demo', domain: { name: 'Default' } } },
          },
        },
      }),
    });
    const appToken = res.headers.get('x-subject-token');
    expect(appToken).toEqual(expect.any(String));
    const refused = await kit
      .http()
      .post('/v1/schedules')
      .set('x-auth-token', appToken as string)
      .send(onceBody(kit, { name: 'from-a-tool' }));
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('application credential');
    // Nothing was saved.
    expect((await asDemo.get('/v1/schedules').expect(200)).body.items.map((s: { name: string }) => s.name)).not.toContain('from-a-tool');
  });

  it("gives a schedule made before projects, and its runs, to the service account's project", async () => {
    const created = (
      await kit
        .http()
        .post('/v1/schedules')
        .send(onceBody(kit, { name: 'legacy-peak' }))
        .expect(201)
    ).body as {
      id: string;
      projectId: string;
    };
    const db = kit.app.get(DataSource);
    await db.query(`UPDATE schedule SET project_id = NULL, project_name = NULL, project_domain_id = NULL WHERE id = $1`, [created.id]);
    await insertRun(kit, created.id, { windowStart: '2026-04-30T10:00:00Z', state: 'completed' });
    await db.query(`UPDATE run SET project_id = NULL WHERE schedule_id = $1`, [created.id]);
    await asDemo.get(`/v1/schedules/${created.id}`).expect(404);

    await kit.app.get(OwnershipBackfill).run();
    const row = await db.getRepository(ScheduleEntity).findOneByOrFail({ id: created.id });
    expect([row.projectId, row.projectName]).toEqual([created.projectId, 'admin']);
    const runs: { project_id: string }[] = await db.query(`SELECT project_id FROM run WHERE schedule_id = $1`, [created.id]);
    expect(runs.map((r) => r.project_id)).toEqual([created.projectId]);
  });
});
