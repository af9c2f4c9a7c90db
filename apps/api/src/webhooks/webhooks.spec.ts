import { Logger } from '@nestjs/common';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AuditRecordEntity } from '../audit/audit-record.entity';
import { AuditRecorder } from '../audit/audit-recorder';
import { EventEntity } from '../events/event.entity';
import { RunEntity } from '../runs/entities/run.entity';
import { RunsRepository } from '../runs/runs.repository';
import { ScheduleEntity } from '../schedules/entities/schedule.entity';
import { SchedulesRepository } from '../schedules/schedules.repository';
import { bootableRefs, insertRun, onceBody, settlePasses, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import type { EngineService } from '../engine/engine.service';
import { startEngineKit } from '../engine/testing/engine-kit';
import { keystoneToken } from '../testing/keystone-token';
import { verifyStandardWebhook } from '../testing/standard-webhooks';
import type { ScheduleEventListDto } from '../schedules/dto/schedule-event.dto';
import type { CreatedWebhookDto, WebhookDeliveryDto, WebhookDeliveryListDto, WebhookDto, WebhookListDto } from './dto/webhook.dto';

const MINUTE = 60_000;

/** One POST the receiver got. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; subject?: string; time: string; specversion: string; source: string; data: Record<string, unknown> };
}

/** A webhook receiver on 127.0.0.1 over real HTTP; `answer` decides each status (200 unless it says otherwise). */
async function startReceiver(answer: (event: Received['event'], received: Received[]) => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { headers: req.headers, body, event: JSON.parse(body) as Received['event'] };
      const status = answer(entry.event, received);
      received.push(entry);
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Webhooks end to end: the API on a real database and the simulator, the engine leading (so the dispatcher runs),
 * receivers on 127.0.0.1 (allowed here by WEBHOOK_ALLOW_PRIVATE and WEBHOOK_ALLOW_HTTP). The clock is the kit's
 * manual one: windows sit relative to it, and waits move it while real time passes for the HTTP exchanges.
 */
describe('webhooks', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let engine: EngineService;
  let demo: string;
  const receivers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    ({ kit, engine } = await startEngineKit('webhooks', new Date().toISOString(), {
      env: {
        WEBHOOK_ALLOW_HTTP: 'true',
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_DISPATCH_INTERVAL_MS: '20',
        WEBHOOK_RETRY_BASE_MS: '1000',
      },
      behaviour: { buildDelayMs: 30, deleteDelayMs: 30 },
    }));
    demo = (await keystoneToken(kit.sim.authUrl, { name: 'demo', password: 'secret', project: 'demo' })).token;
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await kit?.close();
  });

  async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  async function createWebhook(body: Record<string, unknown>, token?: string): Promise<CreatedWebhookDto> {
    const req = kit.http().post('/v1/webhooks');
    if (token) void req.set('x-auth-token', token);
    const res = await req.send(body);
    expect(res.status).toBe(201);
    return res.body as CreatedWebhookDto;
  }

  /** Waits (real time, bounded) until `done`, moving the manual clock `stepMs` per poll so retries fall due. */
  async function until(done: () => boolean | Promise<boolean>, what: string, stepMs = 0, timeoutMs = 30_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; !(await done()); ) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (stepMs) kit.clock.advance(stepMs);
    }
  }

  const deliveriesOf = async (id: string) =>
    ((await kit.http().get(`/v1/webhooks/${id}/deliveries?limit=100`).expect(200)).body as WebhookDeliveryListDto).items;

  describe('CRUD', () => {
    it('shows the secret once, keeps each project to its own webhooks, and rotates the secret', async () => {
      const hook = await receiver();
      const mine = await createWebhook({ url: hook.url, description: 'ops', eventTypes: ['peak.run.ready'] }, demo);
      expect(mine).toMatchObject({ url: hook.url, description: 'ops', eventTypes: ['peak.run.ready'], scheduleIds: [], enabled: true });
      expect(mine.secret).toMatch(/^whsec_/);
      const admins = await createWebhook({ url: hook.url });
      expect(admins.projectId).not.toBe(mine.projectId);

      const shown = (await kit.http().get(`/v1/webhooks/${mine.id}`).set('x-auth-token', demo).expect(200)).body as WebhookDto;
      expect(shown).not.toHaveProperty('secret');
      const list = (await kit.http().get('/v1/webhooks').set('x-auth-token', demo).expect(200)).body as WebhookListDto;
      expect(list.items.map((w) => w.id)).toEqual([mine.id]);
      expect(JSON.stringify(list)).not.toContain(mine.secret);
      // Another project's webhook does not exist for a member; a cloud admin sees both.
      await kit.http().get(`/v1/webhooks/${admins.id}`).set('x-auth-token', demo).expect(404);
      await kit.http().patch(`/v1/webhooks/${admins.id}`).set('x-auth-token', demo).send({ enabled: false }).expect(404);
      await kit.http().delete(`/v1/webhooks/${admins.id}`).set('x-auth-token', demo).expect(404);
      const all = (await kit.http().get('/v1/webhooks?limit=100').expect(200)).body as WebhookListDto;
      expect(all.items.map((w) => w.id)).toEqual(expect.arrayContaining([mine.id, admins.id]));
      // Only a cloud admin makes a cloud-wide webhook.
      await kit.http().post('/v1/webhooks').set('x-auth-token', demo).send({ url: hook.url, cloudWide: true }).expect(403);
      expect((await createWebhook({ url: hook.url, cloudWide: true })).projectId).toBeNull();

      const patched = await kit
        .http()
        .patch(`/v1/webhooks/${mine.id}`)
        .set('x-auth-token', demo)
        .send({ eventTypes: [], description: 'all events' })
        .expect(200);
      expect(patched.body).toMatchObject({ eventTypes: [], description: 'all events', url: hook.url });
      await kit
        .http()
        .patch(`/v1/webhooks/${mine.id}`)
        .send({ eventTypes: ['peak.run.bogus'] })
        .expect(400);

      // The test ping is signed with the secret of the moment: the old one before rotation, the new one after.
      const ping = (await kit.http().post(`/v1/webhooks/${mine.id}/test`).set('x-auth-token', demo).expect(200)).body as WebhookDeliveryDto;
      expect(ping).toMatchObject({ eventType: 'peak.webhook.ping', status: 'delivered', scheduleId: null });
      expect(ping.attempts).toEqual([expect.objectContaining({ statusCode: 200, error: null })]);
      const first = hook.received.find((r) => r.event.id === ping.eventId);
      expect(first && verifyStandardWebhook(mine.secret, first.headers, first.body)).toBe(true);
      const rotated = (await kit.http().post(`/v1/webhooks/${mine.id}/secret`).set('x-auth-token', demo).expect(200)).body as {
        secret: string;
      };
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(mine.secret);
      const again = (await kit.http().post(`/v1/webhooks/${mine.id}/test`).set('x-auth-token', demo).expect(200))
        .body as WebhookDeliveryDto;
      const second = hook.received.find((r) => r.event.id === again.eventId);
      expect(second && verifyStandardWebhook(rotated.secret, second.headers, second.body)).toBe(true);
      expect(second && verifyStandardWebhook(mine.secret, second.headers, second.body)).toBe(false);

      // The audit log has every write, never a secret.
      await kit.app.get(AuditRecorder).flush();
      const records = await kit.app
        .get(DataSource)
        .getRepository(AuditRecordEntity)
        .find({ where: { targetId: mine.id }, order: { at: 'ASC' } });
      expect(records.map((r) => r.action)).toEqual(
        expect.arrayContaining(['webhook.create', 'webhook.update', 'webhook.test', 'webhook.secret']),
      );
      expect(records.find((r) => r.action === 'webhook.create')?.after).toMatchObject({ url: hook.url, secret: '***' });
      expect(JSON.stringify(records)).not.toContain(mine.secret.slice(6));
      expect(JSON.stringify(records)).not.toContain(rotated.secret.slice(6));

      await kit.http().delete(`/v1/webhooks/${mine.id}`).set('x-auth-token', demo).expect(204);
      await kit.http().get(`/v1/webhooks/${mine.id}`).set('x-auth-token', demo).expect(404);
    });
  });

  it('delivers peak.run.ready and peak.run.completed of a short window, signed, as CloudEvents', async () => {
    const hook = await receiver();
    const webhook = await createWebhook({ url: hook.url });
    const start = new Date(kit.clock.now().getTime() + MINUTE);
    const window = { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 5 * MINUTE).toISOString() };
    const created = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, { ...(await bootableRefs(kit)), instanceCount: 1, leadTimeMinutes: 0, window, launch: { userData: 'pw=hunter2' } }),
      )
      .expect(201);
    const scheduleId = (created.body as { id: string }).id;
    const runOf = async () => (await kit.app.get(DataSource).getRepository(RunEntity).findOneBy({ scheduleId }))?.state;
    const settle = (done: () => Promise<boolean>, what: string) => settlePasses(kit, () => engine.runPassNow(), done, what);
    kit.clock.set(start);
    await settle(async () => (await runOf()) === 'active', 'window up');
    kit.clock.set(new Date(start.getTime() + 5 * MINUTE));
    await settle(async () => (await runOf()) === 'completed', 'window over');

    const about = () => hook.received.filter((r) => r.event.subject === scheduleId);
    await until(() => about().some((r) => r.event.type === 'peak.run.completed'), 'peak.run.completed');
    const types = about().map((r) => r.event.type);
    expect(types).toEqual(['peak.schedule.created', 'peak.run.provisioning', 'peak.run.ready', 'peak.run.completed']);
    for (const r of about()) {
      expect(verifyStandardWebhook(webhook.secret, r.headers, r.body)).toBe(true);
      expect(r.headers['webhook-id']).toBe(r.event.id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.event).toMatchObject({ specversion: '1.0', source: '/peak-scheduler', subject: scheduleId });
      expect(Date.parse(r.event.time)).not.toBeNaN();
    }
    expect(new Set(about().map((r) => r.event.id)).size).toBe(about().length);
    const ready = about().find((r) => r.event.type === 'peak.run.ready');
    expect(ready?.event.data).toMatchObject({ scheduleId, state: 'active', desiredCount: 1 });
    expect(about().find((r) => r.event.type === 'peak.run.completed')?.event.data).toMatchObject({ state: 'completed' });
    // User data never leaves the product.
    expect(
      about()
        .map((r) => r.body)
        .join('\n'),
    ).not.toContain('hunter2');
    expect(about()[0].event.data).toMatchObject({ id: scheduleId, launch: {} });

    // The schedule's history lists the same events, newest first, with what was sent.
    const history = (await kit.http().get(`/v1/schedules/${scheduleId}/events`).expect(200)).body as ScheduleEventListDto;
    expect(history.total).toBe(4);
    expect(history.items.map((e) => e.id)).toEqual(
      about()
        .map((r) => r.event.id)
        .reverse(),
    );
    const run = await kit.app.get(DataSource).getRepository(RunEntity).findOneByOrFail({ scheduleId });
    expect(history.items.map((e) => [e.type, e.runId, e.runState])).toEqual([
      ['peak.run.completed', run.id, 'completed'],
      ['peak.run.ready', run.id, 'active'],
      ['peak.run.provisioning', run.id, 'provisioning'],
      ['peak.schedule.created', null, null],
    ]);
    expect(history.items[1].data).toEqual(ready?.event.data);
    const onlyReady = await kit.http().get(`/v1/schedules/${scheduleId}/events?type=peak.run.ready`).expect(200);
    expect((onlyReady.body as ScheduleEventListDto).items.map((e) => e.id)).toEqual([ready?.event.id]);
    await kit.http().get(`/v1/schedules/${scheduleId}/events?type=peak.run.started`).expect(400);
    // Another project's member does not see it.
    await kit.http().get(`/v1/schedules/${scheduleId}/events`).set('x-auth-token', demo).expect(404);

    const metrics = await kit.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/peak_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(metrics.text).toMatch(/peak_webhook_delivery_duration_seconds_count [1-9]/);
    expect(metrics.text).toMatch(/peak_webhook_outbox_backlog\{stage="outbox"\} \d+/);
    expect(metrics.text).toMatch(/peak_webhook_outbox_oldest_age_seconds\{stage="delivery"\} [\d.]+/);
  });

  it('retries 5xx with growing delays, delivers once, and keeps the order of a schedule', async () => {
    // Each schedule's first event is refused three times, then everything is accepted.
    const hook = await receiver((event, received) => {
      const before = received.filter((r) => r.event.subject === event.subject).length;
      return before < 3 ? 500 : 200;
    });
    const webhook = await createWebhook({ url: hook.url, eventTypes: ['peak.schedule.created', 'peak.schedule.updated'] });
    const created = await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
    const scheduleId = (created.body as { id: string }).id;
    await kit.http().patch(`/v1/schedules/${scheduleId}`).send({ version: 1, description: 'second' }).expect(200);
    await kit.http().patch(`/v1/schedules/${scheduleId}`).send({ version: 2, description: 'third' }).expect(200);

    const about = () => hook.received.filter((r) => r.event.subject === scheduleId);
    await until(() => about().length >= 6, 'three refusals and three deliveries', 100);
    const seen = about().map((r) => [r.event.type, (r.event.data as { version: number }).version]);
    expect(seen).toEqual([
      ['peak.schedule.created', 1],
      ['peak.schedule.created', 1],
      ['peak.schedule.created', 1],
      ['peak.schedule.created', 1],
      ['peak.schedule.updated', 2],
      ['peak.schedule.updated', 3],
    ]);
    // The same event (same id) each time, each attempt validly signed.
    expect(
      new Set(
        about()
          .slice(0, 4)
          .map((r) => r.headers['webhook-id']),
      ).size,
    ).toBe(1);
    for (const r of about()) expect(verifyStandardWebhook(webhook.secret, r.headers, r.body)).toBe(true);

    // The receiver has answered the last POST; its delivery is marked once the dispatcher has read that answer.
    const ours = async () => (await deliveriesOf(webhook.id)).filter((d) => d.scheduleId === scheduleId);
    await until(async () => (await ours()).every((d) => d.status === 'delivered'), 'every delivery marked delivered', 100);
    const deliveries = await ours();
    const first = deliveries.find((d) => d.eventType === 'peak.schedule.created');
    expect(first).toMatchObject({ status: 'delivered', nextAttemptAt: null });
    expect(first?.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
    const gaps = (first?.attempts ?? []).slice(1).map((a, i) => Date.parse(a.at) - Date.parse(first?.attempts[i]?.at ?? ''));
    // Each wait is at least the policy's floor for its attempt (half of 1 s, 2 s, 4 s). Not compared with each other
    // here: the manual clock moves 100 ms a poll, so a retry may go out several steps after it fell due (1,400 ms for a
    // 1,000 ms delay was seen under load). That delays grow despite jitter is retry-policy.spec's.
    expect(gaps).toHaveLength(3);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(500 * 2 ** i));
    expect(deliveries.filter((d) => d.eventType === 'peak.schedule.updated').map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('never retries another 4xx, and says when the next attempt of a 429 is due (Retry-After)', async () => {
    const hook = await receiver(() => 410);
    const gone = await createWebhook({ url: hook.url });
    const refused = (await kit.http().post(`/v1/webhooks/${gone.id}/test`).expect(200)).body as WebhookDeliveryDto;
    expect(refused).toMatchObject({ status: 'failed', nextAttemptAt: null, attempts: [expect.objectContaining({ statusCode: 410 })] });

    const busy = await receiver(() => 429);
    const slow = await createWebhook({ url: busy.url });
    const before = kit.clock.now().getTime();
    const waiting = (await kit.http().post(`/v1/webhooks/${slow.id}/test`).expect(200)).body as WebhookDeliveryDto;
    expect(waiting.status).toBe('pending');
    expect(Date.parse(waiting.nextAttemptAt ?? '')).toBeGreaterThanOrEqual(before + 500);
    expect(((await kit.http().get(`/v1/webhooks/${slow.id}`).expect(200)).body as WebhookDto).failingSince).not.toBeNull();
    await kit.http().patch(`/v1/webhooks/${slow.id}`).send({ enabled: false }).expect(200);
  });

  it('disables a webhook whose deliveries have failed for 24 hours, and says so', async () => {
    const hook = await receiver(() => 503);
    const webhook = await createWebhook({ url: hook.url });
    await kit.http().post(`/v1/webhooks/${webhook.id}/test`).expect(200);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    kit.clock.advance(24 * 3_600_000 + 1000);
    const state = async () => ((await kit.http().get(`/v1/webhooks/${webhook.id}`).expect(200)).body as WebhookDto).enabled;
    await until(async () => !(await state()), 'disabled');
    // The log names it, once (earlier tests' failing webhooks may go with it).
    const said = warn.mock.calls.filter(([message]) => String(message).includes(webhook.id));
    warn.mockRestore();
    expect(said.map(([message]) => message)).toEqual([`Webhook ${webhook.id} (${hook.url}) disabled: its deliveries failed for 24 hours`]);
    const shown = (await kit.http().get(`/v1/webhooks/${webhook.id}`).expect(200)).body as WebhookDto;
    expect(shown.disabledReason).toMatch(/failed for 24 hours/);
    // Enabled again by someone: a fresh start.
    const enabled = (await kit.http().patch(`/v1/webhooks/${webhook.id}`).send({ enabled: true }).expect(200)).body as WebhookDto;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await kit.http().delete(`/v1/webhooks/${webhook.id}`).expect(204);
  });

  describe('crash safety', () => {
    const db = () => kit.app.get(DataSource);
    const eventsAbout = (subject: string) => db().getRepository(EventEntity).findBy({ subject });

    afterEach(async () => {
      await db().query(`DROP TRIGGER IF EXISTS peak_test_fault ON event`);
      await db().query(`DROP TRIGGER IF EXISTS peak_test_fault ON webhook_delivery`);
    });

    it('writes an event in the transaction of its change: a failed write leaves neither, a committed one both', async () => {
      // A disabled schedule of its own: the engine leaves it (and its runs) alone while the test plays the engine.
      const own = await kit
        .http()
        .post('/v1/schedules')
        .send(onceBody(kit, { enabled: false }))
        .expect(201);
      const scheduleId = (own.body as { id: string }).id;
      // The outbox insert fails (a fault injected in the database): the schedule it announces must not exist either.
      await db().query(`CREATE OR REPLACE FUNCTION peak_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected fault'; END $$`);
      await db().query(`CREATE TRIGGER peak_test_fault BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION peak_test_fail()`);
      const repository = kit.app.get(SchedulesRepository);
      const template = await db().getRepository(ScheduleEntity).findOneByOrFail({ id: scheduleId });
      const doomed = Object.assign(new ScheduleEntity(), template, { id: '00000000-0000-4000-8000-00000000d00d', name: 'doomed' });
      await expect(repository.insert(doomed)).rejects.toThrow(/injected fault/);
      expect(await db().getRepository(ScheduleEntity).findOneBy({ id: doomed.id })).toBeNull();
      expect(await eventsAbout(doomed.id)).toEqual([]);

      // A run's change of state and its event: both or neither.
      const run = await insertRun(kit, scheduleId, {
        windowStart: new Date(kit.clock.now().getTime() + 3_600_000).toISOString(),
        state: 'provisioning',
      });
      const runs = kit.app.get(RunsRepository);
      await expect(runs.save({ id: run.id, state: 'active', updatedAt: kit.clock.now() }, [])).rejects.toThrow(/injected fault/);
      expect((await db().getRepository(RunEntity).findOneByOrFail({ id: run.id })).state).toBe('provisioning');
      await db().query(`DROP TRIGGER peak_test_fault ON event`);

      const before = (await eventsAbout(scheduleId)).length;
      await runs.save({ id: run.id, state: 'active', updatedAt: kit.clock.now() }, []);
      const after = await eventsAbout(scheduleId);
      expect(after.length).toBe(before + 1);
      expect(after.filter((e) => e.type === 'peak.run.ready').map((e) => e.data)).toEqual([
        expect.objectContaining({ id: run.id, state: 'active' }),
      ]);
      // A save that does not change the state announces nothing.
      await runs.save({ id: run.id, state: 'active', updatedAt: kit.clock.now() }, []);
      expect((await eventsAbout(scheduleId)).length).toBe(before + 1);
      // Every schedule that exists was announced, once.
      const unannounced: unknown[] = await db().query(
        `SELECT s.id FROM schedule s WHERE (SELECT count(*) FROM event e WHERE e.subject = s.id AND e.type = 'peak.schedule.created') <> 1`,
      );
      expect(unannounced).toEqual([]);
    });

    it('sends a delivery again with the same id when it crashed between sending it and recording it', async () => {
      const hook = await receiver();
      const webhook = await createWebhook({ url: hook.url, eventTypes: ['peak.schedule.created'] });
      // The first record of an attempt for this webhook fails, as if the dispatcher died right after the POST.
      await db().query(`CREATE SEQUENCE IF NOT EXISTS peak_test_crash`);
      await db().query(`CREATE OR REPLACE FUNCTION peak_test_crash_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.webhook_id = '${webhook.id}' AND NEW.status <> 'pending' THEN
            IF nextval('peak_test_crash') = 1 THEN RAISE EXCEPTION 'crashed before recording'; END IF;
          END IF;
          RETURN NEW;
        END $$`);
      await db().query(
        `CREATE TRIGGER peak_test_fault BEFORE UPDATE ON webhook_delivery FOR EACH ROW EXECUTE FUNCTION peak_test_crash_once()`,
      );
      const created = await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
      const scheduleId = (created.body as { id: string }).id;
      const about = () => hook.received.filter((r) => r.event.subject === scheduleId);
      await until(
        async () => (await deliveriesOf(webhook.id)).some((d) => d.scheduleId === scheduleId && d.status === 'delivered'),
        'delivered',
      );
      expect(about().length).toBe(2);
      expect(about()[1].headers['webhook-id']).toBe(about()[0].headers['webhook-id']);
      expect(about()[1].event.id).toBe(about()[0].event.id);
      expect(about()[1].body).toBe(about()[0].body);
      const delivery = (await deliveriesOf(webhook.id)).find((d) => d.scheduleId === scheduleId);
      // Only the attempt that was recorded is listed.
      expect(delivery?.attempts).toHaveLength(1);
    });
  });
});
