import { OpenStackClient } from '@peak/openstack-client';
import { DataSource } from 'typeorm';
import { RunVmEntity } from '../runs/entities/run-vm.entity';
import { RunsRepository, type SlotUpdate } from '../runs/runs.repository';
import { bootableRefs, onceBody, type SchedulesTestKit } from '../schedules/testing/schedules-test-kit';
import { CreateIntents } from './create-intents';
import type { EngineService } from './engine.service';
import { startEngineKit } from './testing/engine-kit';
import { VM_STATUS, type SlotRecord } from './planner';
import { SlotWrites } from './slot-writes';

const slot = (id: string): SlotRecord => ({ id }) as SlotRecord;

describe('CreateIntents', () => {
  it('writes a chunk once, when the first of its slots is asked for, then the next one, and no further ahead', async () => {
    const written: string[][] = [];
    const intents = new CreateIntents(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(slot), 2, async (chunk) => {
      written.push(chunk.map((s) => s.id));
    });
    expect(intents.has('c')).toBe(true);
    expect(intents.has('z')).toBe(false);
    expect(written).toEqual([]); // nothing before a create asks
    await intents.ready('b');
    // The chunk asked for, and the next one once it is written (its creates will find their intents there).
    await flushTurns();
    expect(written).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await Promise.all([intents.ready('a'), intents.ready('b')]);
    await flushTurns();
    expect(written).toHaveLength(2); // asking again writes nothing more
    await Promise.all([intents.ready('d'), intents.ready('c')]);
    await intents.ready('z'); // not one of them: nothing to wait for
    await flushTurns();
    expect(written).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    await intents.ready('g'); // the last chunk: nothing after it
    await flushTurns();
    expect(written).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f'], ['g']]);
  });

  it('writes the next chunk only after the one asked for is on the database', async () => {
    const written: string[][] = [];
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (release = resolve));
    const intents = new CreateIntents(['a', 'b', 'c'].map(slot), 2, async (chunk) => {
      written.push(chunk.map((s) => s.id));
      if (chunk[0]?.id === 'a') await first;
    });
    const ready = intents.ready('a');
    await flushTurns();
    expect(written).toEqual([['a', 'b']]);
    release();
    await ready;
    await flushTurns();
    expect(written).toEqual([['a', 'b'], ['c']]);
  });

  it("fails every create of a chunk whose write failed, and no other chunk's; a failed chunk starts no other", async () => {
    const written: string[][] = [];
    const intents = new CreateIntents(['a', 'b', 'c', 'd', 'e'].map(slot), 2, async (chunk) => {
      written.push(chunk.map((s) => s.id));
      if (chunk.some((s) => s.id === 'a' || s.id === 'c')) throw new Error('database gone');
    });
    await expect(intents.ready('a')).rejects.toThrow('database gone');
    await expect(intents.ready('b')).rejects.toThrow('database gone');
    await flushTurns();
    expect(written).toEqual([['a', 'b']]);
    // Written ahead or not, a failed chunk fails its own creates only.
    await expect(intents.ready('c')).rejects.toThrow('database gone');
    await expect(intents.ready('e')).resolves.toBeUndefined();
  });
});

/** Lets the writes started by settled promises begin (a few turns of the microtask queue and one of the loop). */
const flushTurns = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SlotWrites', () => {
  const recorder = () => {
    const statements: SlotUpdate[][] = [];
    let fail: ((rows: readonly SlotUpdate[]) => boolean) | undefined;
    const writes = new SlotWrites(async (rows) => {
      statements.push([...rows]);
      if (fail?.(rows)) throw new Error('refused');
    });
    return { statements, writes, failWhen: (f: typeof fail) => (fail = f) };
  };

  it('sends the writes of one turn together, one statement per set of fields, each caller waiting for its own', async () => {
    const { statements, writes } = recorder();
    const done: string[] = [];
    const asked = [
      writes.write({ id: 'a', status: 'BUILD', serverId: 's-a' }).then(() => done.push('a')),
      writes.write({ id: 'b', status: 'BUILD', serverId: 's-b' }).then(() => done.push('b')),
      writes.write({ id: 'c', attempts: 1, status: VM_STATUS.creating }).then(() => done.push('c')),
      // A field given as undefined is not written: same statement as the first two.
      writes.write({ id: 'd', status: 'BUILD', serverId: 's-d', faultMessage: undefined }).then(() => done.push('d')),
    ];
    expect(statements).toEqual([]); // nothing before the turn ends
    await Promise.all(asked);
    expect(statements.map((rows) => rows.map((r) => r.id))).toEqual([['a', 'b', 'd'], ['c']]);
    expect(done.sort()).toEqual(['a', 'b', 'c', 'd']);
    // The next turn is a statement of its own.
    await writes.write({ id: 'a', status: 'ACTIVE', serverId: 's-a' });
    expect(statements).toHaveLength(3);
  });

  it('writes a slot asked twice in one turn twice, in the order asked', async () => {
    const { statements, writes } = recorder();
    await Promise.all([
      writes.write({ id: 'a', status: 'one' }),
      writes.write({ id: 'b', status: 'one' }),
      writes.write({ id: 'a', status: 'two' }),
    ]);
    expect(statements).toEqual([
      [
        { id: 'a', status: 'one' },
        { id: 'b', status: 'one' },
      ],
      [{ id: 'a', status: 'two' }],
    ]);
  });

  /** Slot writes whose first statement stays on its way until `release()`. */
  const holdingTheFirst = (gatherMs?: number) => {
    const statements: string[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writes = new SlotWrites(async (rows) => {
      statements.push(rows.map((r) => r.id));
      if (statements.length === 1) await held;
    }, gatherMs);
    return { statements, writes, release: () => release() };
  };

  it('sends the writes asked for while a statement is on its way together, right after it', async () => {
    const { statements, writes, release } = holdingTheFirst();
    const first = writes.write({ id: 'a', status: 'BUILD' });
    await flushTurns();
    expect(statements).toEqual([['a']]);
    // Three more answers arrive, in three turns, while the first statement is still out.
    const later: Promise<void>[] = [];
    for (const id of ['b', 'c', 'd']) {
      later.push(writes.write({ id, status: 'BUILD' }));
      await flushTurns();
    }
    expect(statements).toEqual([['a']]);
    release();
    await Promise.all([first, ...later]);
    expect(statements).toEqual([['a'], ['b', 'c', 'd']]);
    // Idle again: the next write is a statement of its own, in its turn.
    await writes.write({ id: 'e', status: 'ACTIVE' });
    expect(statements).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('goes on writing after a statement failed', async () => {
    const statements: string[][] = [];
    const writes = new SlotWrites(async (rows) => {
      statements.push(rows.map((r) => r.id));
      if (statements.length === 1) throw new Error('refused');
    });
    const first = writes.write({ id: 'a', status: 'BUILD' });
    const second = (async () => {
      await flushTurns();
      return writes.write({ id: 'b', status: 'BUILD' });
    })();
    await expect(first).rejects.toThrow('refused');
    await expect(second).resolves.toBeUndefined();
    expect(statements).toEqual([['a'], ['b']]);
  });

  describe('with a gathering time (the outcomes of creates)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('sends the writes asked for within that time as one statement, each caller waiting for its own', async () => {
      const statements: string[][] = [];
      const writes = new SlotWrites(async (rows) => void statements.push(rows.map((r) => r.id)), 50);
      const done: string[] = [];
      const asked = [writes.write({ id: 'a', status: 'BUILD' }).then(() => done.push('a'))];
      await jest.advanceTimersByTimeAsync(20);
      asked.push(writes.write({ id: 'b', status: 'BUILD' }).then(() => done.push('b')));
      await jest.advanceTimersByTimeAsync(29);
      expect(statements).toEqual([]);
      expect(done).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all(asked);
      expect(statements).toEqual([['a', 'b']]);
      expect(done).toEqual(['a', 'b']);
    });

    it('gathers the writes asked for while a statement is out for that time again after it', async () => {
      const { statements, writes, release } = holdingTheFirst(50);
      const first = writes.write({ id: 'a', status: 'BUILD' });
      await jest.advanceTimersByTimeAsync(50);
      expect(statements).toEqual([['a']]);
      const later = [writes.write({ id: 'b', status: 'BUILD' }), writes.write({ id: 'c', status: 'BUILD' })];
      await jest.advanceTimersByTimeAsync(100);
      expect(statements).toEqual([['a']]); // still out
      release();
      await first;
      await jest.advanceTimersByTimeAsync(49);
      expect(statements).toEqual([['a']]);
      const last = writes.write({ id: 'd', status: 'BUILD' });
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all([...later, last]);
      expect(statements).toEqual([['a'], ['b', 'c', 'd']]);
    });
  });

  it('fails the writes of a statement that failed, and only those', async () => {
    const { writes, failWhen } = recorder();
    failWhen((rows) => rows.some((r) => r.status === 'bad'));
    const results = await Promise.allSettled([
      writes.write({ id: 'a', status: 'bad' }),
      writes.write({ id: 'b', status: 'bad' }),
      writes.write({ id: 'c', attempts: 2 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});

const T0 = '2026-11-23T07:00:00Z';

/**
 * A window of 8 VMs at a concurrency of 3 (the simulated project's quota is 10 instances), against the simulator and
 * PostgreSQL: each `POST /servers` goes out after its slot is recorded CREATING on the database (read there at the
 * moment of the call), the intents take one statement per 3 creates, and after the pass every slot has its server.
 */
describe('the creates of a window, against the database', () => {
  jest.setTimeout(120_000);
  let kit: SchedulesTestKit;
  let sut: EngineService;

  beforeAll(async () => {
    // Retries at the product's own pace (2 s).
    ({ kit, engine: sut } = await startEngineKit('create_intents', T0, { env: { ENGINE_CONCURRENCY: '3', ENGINE_RETRY_BASE_MS: '2000' } }));
  });

  afterAll(() => kit?.close());

  it('records each intent before its create, three to a statement', async () => {
    const client = kit.app.get(OpenStackClient);
    const slots = kit.app.get(DataSource).getRepository(RunVmEntity);
    const start = new Date(new Date(T0).getTime() + 60_000);
    const res = await kit
      .http()
      .post('/v1/schedules')
      .send(
        onceBody(kit, {
          ...(await bootableRefs(kit)),
          instanceCount: 8,
          leadTimeMinutes: 0,
          window: { type: 'once', startAt: start.toISOString(), endAt: new Date(start.getTime() + 3600_000).toISOString() },
        }),
      );
    expect(res.status).toBe(201);

    const seenAtPost: { name: string; status?: string; attempts?: number }[] = [];
    const create = client.compute.createServer.bind(client.compute);
    const posts = jest.spyOn(client.compute, 'createServer').mockImplementation(async (request) => {
      const row = await slots.findOneBy({ name: request.name });
      seenAtPost.push({ name: request.name, status: row?.status, attempts: row?.attempts });
      return create(request);
    });
    const writes = jest.spyOn(kit.app.get(RunsRepository), 'updateSlots');
    try {
      kit.clock.set(start);
      await sut.runPassNow();
    } finally {
      posts.mockRestore();
    }

    expect(seenAtPost).toHaveLength(8);
    expect(seenAtPost.filter((s) => s.status === VM_STATUS.creating && s.attempts === 1)).toHaveLength(8);
    const intentStatements = writes.mock.calls.filter(([rows]) => rows.every((r) => r.status === VM_STATUS.creating));
    writes.mockRestore();
    expect(intentStatements.map(([rows]) => rows.length)).toEqual([3, 3, 2]);
    const written = await kit.app
      .get(DataSource)
      .query<{ n: number }[]>(`SELECT count(DISTINCT server_id)::int AS n FROM run_vm WHERE server_id IS NOT NULL`);
    expect(written[0]?.n).toBe(8);
  });
});
