import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../database/typeorm.options';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { EventEntity } from './event.entity';
import { appendEvents, type NewEvent } from './outbox';

/** The outbox on a real database: events commit or roll back with their change, and commit in `seq` order. */
describe('appendEvents', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 3 })).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const event = (subject: string): NewEvent => ({
    type: 'peak.schedule.updated',
    subject,
    projectId: 'p',
    time: new Date(),
    data: { id: subject },
  });

  it('refuses to write outside a transaction', async () => {
    await expect(appendEvents(dataSource.manager, [event(randomUUID())])).rejects.toThrow(/transaction/);
  });

  it('rolls back with the transaction that wrote it', async () => {
    const subject = randomUUID();
    await expect(
      dataSource.transaction(async (tx) => {
        await appendEvents(tx, [event(subject)]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await dataSource.getRepository(EventEntity).findBy({ subject })).toEqual([]);
  });

  it('makes a second writer wait until the first commits, so seq order is commit order', async () => {
    const subject = randomUUID();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    const committed: string[] = [];
    let firstAppended!: () => void;
    const appended = new Promise<void>((resolve) => (firstAppended = resolve));
    const first = dataSource.transaction(async (tx) => {
      await appendEvents(tx, [{ ...event(subject), data: { n: 'first' } }]);
      firstAppended();
      await firstMayCommit;
    });
    await appended;
    const second = dataSource
      .transaction(async (tx) => appendEvents(tx, [{ ...event(subject), data: { n: 'second' } }]))
      .then(() => committed.push('second'));
    // The second writer is held on the outbox lock while the first is open (it has taken no seq yet).
    const waiting = async () =>
      (
        (await dataSource.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)) as { n: number }[]
      )[0].n;
    for (const deadline = Date.now() + 10_000; (await waiting()) < 1; await new Promise((resolve) => setTimeout(resolve, 10)))
      if (Date.now() > deadline) throw new Error('the second writer never waited for the outbox lock');
    expect(committed).toEqual([]);
    releaseFirst();
    await first;
    committed.unshift('first');
    await second;
    const rows = await dataSource.getRepository(EventEntity).find({ where: { subject }, order: { seq: 'ASC' } });
    expect(rows.map((r) => (r.data as { n: string }).n)).toEqual(['first', 'second']);
    expect(committed).toEqual(['first', 'second']);
  });
});
