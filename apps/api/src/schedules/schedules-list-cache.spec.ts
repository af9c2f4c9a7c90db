import { DataSource } from 'typeorm';
import { eventually } from '../testing/eventually';
import { ScheduleEntity } from './entities/schedule.entity';
import { SchedulesRepository } from './schedules.repository';
import { SchedulesService } from './schedules.service';
import { onceBody, startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';

describe('GET /v1/schedules page cache', () => {
  let kit: SchedulesTestKit;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('list_cache', '2026-05-01T10:00:00Z', { SCHEDULER_LIST_CACHE_MS: '1000' });
  });

  afterAll(() => kit?.close());

  // Items, not `total`: totals are kept a second of their own.
  const total = async () => ((await kit.http().get('/v1/schedules').expect(200)).body as { items: unknown[] }).items.length;

  /** A schedule written by another replica: straight into the database, no event on this one. */
  async function insertElsewhere(): Promise<void> {
    const repo = kit.app.get(DataSource).getRepository(ScheduleEntity);
    const [template] = await repo.find({ take: 1 });
    if (!template) throw new Error('no schedule to copy');
    await repo.insert({ ...template, id: crypto.randomUUID(), name: `${template.name}-copy-${Date.now()}` });
  }

  it('serves an identical query again within its time, shows this replica own writes at once, and others after it', async () => {
    await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
    expect(await total()).toBe(1);
    await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
    expect(await total()).toBe(2); // a local write drops the kept page

    await insertElsewhere();
    expect(await total()).toBe(2); // kept for up to a second
    kit.clock.advance(1000);
    expect(await total()).toBe(2); // expired: served once more while one read refreshes it
    await eventually(async () => (await total()) === 3, 'three schedules listed', 2000, 20);
  });

  it('waits for a fresh read once a kept page is twice its time old', async () => {
    const before = await total();
    await insertElsewhere();
    kit.clock.advance(2000);
    expect(await total()).toBe(before + 1);
  });

  it('never puts back a page read before a local write', async () => {
    const before = await total();
    kit.clock.advance(1000);
    // The refresh the next request starts reads the database at once, but is held from finishing until a write has
    // landed: the order in which a stale page could be put back over the write.
    const repository = kit.app.get(SchedulesRepository);
    const original = repository.listStamps.bind(repository);
    let readDone!: () => void;
    const read = new Promise<void>((resolve) => (readDone = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(repository, 'listStamps').mockImplementationOnce(async (...args) => {
      const result = await original(...args);
      readDone();
      await gate;
      return result;
    });
    try {
      const stale = await total(); // the expired page, served while the refresh runs
      expect(stale).toBe(before);
      await read;
      await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
      release();
      // The clock stands still: a page put back now would be served for good.
      await eventually(async () => (await total()) === before + 1, 'the new schedule listed', 2000, 20);
      expect(await total()).toBe(before + 1);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 304 to a poller that already has the page, and 200 with a new ETag once it changed', async () => {
    const first = await kit.http().get('/v1/schedules').expect(200);
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    await kit.http().get('/v1/schedules').set('If-None-Match', etag).expect(304);

    await kit.http().post('/v1/schedules').send(onceBody(kit)).expect(201);
    const changed = await kit.http().get('/v1/schedules').set('If-None-Match', etag).expect(200);
    expect(changed.headers['etag']).not.toBe(etag);
  });

  it('is dropped when the engine says runs changed', async () => {
    const before = await total();
    await insertElsewhere();
    expect(await total()).toBe(before);
    kit.app.get(SchedulesService).invalidateLists();
    expect(await total()).toBe(before + 1);
  });
});
