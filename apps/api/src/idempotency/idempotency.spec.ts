import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { onceBody, recurringBody, type SchedulesTestKit, startSchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS } from './idempotency.store';

describe('Idempotency-Key on POST', () => {
  let kit: SchedulesTestKit;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('idempotency');
  });

  afterAll(() => kit?.close());

  const create = (body: Record<string, unknown>, key?: string) => {
    const req = kit.http().post('/v1/schedules');
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const countNamed = async (name: string) => (await kit.http().get(`/v1/schedules?q=${name}`).expect(200)).body.total;

  it('answers a retry with the first answer, marked as replayed, and creates the schedule once', async () => {
    const body = recurringBody(kit);
    const key = randomUUID();
    const first = await create(body, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await create(body, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['location']).toBe(first.headers['location']);
    expect(again.body).toEqual(first.body);
    expect(await countNamed(body['name'] as string)).toBe(1);
    // Without the key, the same request is a second attempt: the name is taken.
    expect((await create(body).expect(409)).body.message).toMatch(/name/i);
  });

  it('refuses the same key with another request (422), and a malformed key (400 naming the header)', async () => {
    const key = randomUUID();
    await create(recurringBody(kit), key).expect(201);
    const other = await create(recurringBody(kit), key).expect(422);
    expect(other.body.message).toMatch(/different request/);
    const bad = await create(recurringBody(kit), 'has spaces in it').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'Idempotency-Key', reason: expect.stringMatching(/printable ASCII/) }]);
    await create(recurringBody(kit), 'x'.repeat(256)).expect(400);
  });

  it('keeps no answer of a failed request: its retry runs again', async () => {
    const taken = recurringBody(kit);
    const existing = await create(taken).expect(201);
    const body = onceBody(kit, { name: taken['name'] });
    const key = randomUUID();
    await create(body, key).expect(409);
    await kit
      .http()
      .delete(`/v1/schedules/${existing.body.id}`)
      .expect((res) => expect([202, 204]).toContain(res.status));
    const retried = await create(body, key).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers 409 with Retry-After while the first request runs, and runs a retry once the first is abandoned', async () => {
    const body = recurringBody(kit);
    const key = randomUUID();
    const first = await create(body, key).expect(201);
    // The first request's record as a replica that died mid-request leaves it: no answer yet.
    const db = kit.app.get(DataSource);
    await db.query(`UPDATE "idempotency_record" SET "status" = NULL, "body" = NULL, "created_at" = $2 WHERE "key" = $1`, [
      key,
      kit.clock.now(),
    ]);
    await kit.http().delete(`/v1/schedules/${first.body.id}`).expect(204);
    const running = await create(body, key).expect(409);
    expect(running.headers['retry-after']).toBe('1');
    expect(running.body.message).toMatch(/still running/);
    kit.clock.advance(IDEMPOTENCY_ABANDONED_MS + 1000);
    const taken = await create(body, key).expect(201);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();
    expect(await create(body, key).expect(201)).toHaveProperty(['headers', 'idempotent-replayed'], 'true');
  });

  it('lets exactly one of two simultaneous requests with the same key run', async () => {
    const body = recurringBody(kit);
    const key = randomUUID();
    const answers = await Promise.all([create(body, key), create(body, key)]);
    const ran = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
    expect(ran).toHaveLength(1);
    // The other waited for nothing: it was told the first still runs, or (if the first had finished) got its answer.
    const other = answers.find((a) => a !== ran[0]);
    expect(other?.status === 409 ? other.body.message : other?.headers['idempotent-replayed']).toMatch(/still running|^true$/);
    expect(await countNamed(body['name'] as string)).toBe(1);
  });

  it('forgets a key after 24 hours: it may then name another request', async () => {
    const key = randomUUID();
    await create(recurringBody(kit), key).expect(201);
    kit.clock.advance(IDEMPOTENCY_TTL_MS + 1000);
    const fresh = await create(recurringBody(kit), key).expect(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
  });

  it('serves the other POSTs too (a preview replayed)', async () => {
    const key = randomUUID();
    const { timeZone, window, leadTimeMinutes } = recurringBody(kit);
    const body = { timeZone, window, leadTimeMinutes };
    const first = await kit.http().post('/v1/schedules/preview').set('Idempotency-Key', key).send(body).expect(200);
    const again = await kit.http().post('/v1/schedules/preview').set('Idempotency-Key', key).send(body).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });
});
