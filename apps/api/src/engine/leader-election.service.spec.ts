import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, filter } from 'rxjs';
import { DataSource } from 'typeorm';
import type { EngineConfig } from '../config/engine.config';
import { typeormOptions } from '../database/typeorm.options';
import { eventually } from '../testing/eventually';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { CONFIRMATION_REUSE_MS, LeaderElectionService, type LeaseDatabaseSettings } from './leader-election.service';

// Renewals and confirmations go through the DataSource (embedded database) or a connection of their own (a server).
describe.each(['shared DataSource', 'dedicated connection'] as const)(`${LeaderElectionService.name} (%s)`, (mode) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const config = { leaseTtlMs: 1000, leaseRenewIntervalMs: 200 } as EngineConfig;
  const services: LeaderElectionService[] = [];

  async function leaseRow(): Promise<{ holder: string; epoch: number }> {
    const [row] = await dataSource.query('SELECT holder, epoch FROM engine_lease');
    return { holder: row.holder, epoch: Number(row.epoch) };
  }

  /** Makes the current lease expire by the database's clock (instead of sleeping through its TTL). */
  async function expireLease(): Promise<void> {
    await dataSource.query(`UPDATE engine_lease SET expires_at = now() - interval '1 second'`);
  }

  function replica(overrides: Partial<EngineConfig> = {}): LeaderElectionService {
    const database: LeaseDatabaseSettings | undefined =
      mode === 'dedicated connection'
        ? { url: db.url, ssl: false, embedded: process.env['PEAK_TEST_PG_EMBEDDED'] === 'true', keepAlive: true }
        : undefined;
    const sut = new LeaderElectionService(dataSource, { ...config, ...overrides }, database);
    services.push(sut);
    return sut;
  }

  beforeAll(async () => {
    db = await createTestDatabase(`lease`);
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 2 })).initialize();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const s of services.splice(0)) await s.onApplicationShutdown();
    await dataSource.query('DELETE FROM engine_lease');
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('lets exactly one replica hold the lease, and the holder renew it', async () => {
    const a = replica();
    const b = replica();
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    const [row] = await dataSource.query('SELECT holder FROM engine_lease');
    expect(row.holder).toBe(a.holderId);
  });

  it('hands the lease over when the holder stops renewing (a dead leader)', async () => {
    const a = replica();
    const b = replica();
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    await sleep(config.leaseTtlMs + 100);
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
  });

  it('keeps the acquisition time across renewals and resets it on takeover', async () => {
    const a = replica();
    await a.tryAcquire();
    const [first] = await dataSource.query('SELECT acquired_at FROM engine_lease');
    await sleep(50);
    await a.tryAcquire();
    const [renewed] = await dataSource.query('SELECT acquired_at FROM engine_lease');
    expect(renewed.acquired_at).toEqual(first.acquired_at);
  });

  it('elects one of two running replicas, and the other takes over at once when the leader shuts down', async () => {
    // A lease far longer than the test: only the release on shutdown can explain a takeover.
    const a = replica({ leaseTtlMs: 120_000 });
    const b = replica({ leaseTtlMs: 120_000 });
    a.start();
    b.start();
    await sleep(400);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];

    const takeover = firstValueFrom(follower.leadership$.pipe(filter(Boolean)));
    await leader.onApplicationShutdown();
    await takeover;
    expect(follower.isLeader).toBe(true);
    expect(leader.isLeader).toBe(false);
  });

  it('steps down when the database stops answering and the lease runs out', async () => {
    const a = new LeaderElectionService(
      { query: jest.fn().mockRejectedValue(new Error('connection refused')) } as unknown as DataSource,
      config,
    );
    services.push(a);
    // Pretend a renewal succeeded just now, then the database went away.
    (a as unknown as { validUntil: number }).validUntil = performance.now() + 300;
    (a as unknown as { leader$: { next(v: boolean): void } }).leader$.next(true);
    expect(a.isLeader).toBe(true);
    await sleep(350);
    expect(a.isLeader).toBe(false);
  });

  it('raises the epoch when the lease changes hands or is created, and keeps it on renewal', async () => {
    const a = replica();
    const b = replica();
    expect(await a.tryAcquire()).toBe(true);
    expect(await leaseRow()).toEqual({ holder: a.holderId, epoch: 1 });
    expect(await a.tryAcquire()).toBe(true);
    expect(await leaseRow()).toEqual({ holder: a.holderId, epoch: 1 });

    await expireLease();
    expect(await b.tryAcquire()).toBe(true);
    expect(await leaseRow()).toEqual({ holder: b.holderId, epoch: 2 });
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
    expect(await leaseRow()).toEqual({ holder: b.holderId, epoch: 2 });

    // Taking back its own lease after losing it is a new term for the same replica.
    await expireLease();
    expect(await a.tryAcquire()).toBe(true);
    expect(await leaseRow()).toEqual({ holder: a.holderId, epoch: 3 });
  });

  it('keeps the epoch when the leader releases the lease, so the next holder gets a higher one', async () => {
    const a = replica({ leaseTtlMs: 120_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    expect(a.epoch).toBe(1);
    await a.release();
    expect(a.epoch).toBeNull();
    const b = replica({ leaseTtlMs: 120_000 });
    b.start();
    await eventually(() => b.isLeader, 'b to lead');
    expect(b.epoch).toBe(2);
    expect(await leaseRow()).toEqual({ holder: b.holderId, epoch: 2 });
  });

  it('confirms the lease while held, and stops leading at once when another holder has taken it', async () => {
    // Renewals far apart: the confirmation, not a renewal, has to notice the theft.
    const a = replica({ leaseTtlMs: 120_000, leaseRenewIntervalMs: 60_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    expect(await a.confirm()).toBe(true);
    expect(a.epoch).toBe(1);

    await dataSource.query(`UPDATE engine_lease SET holder = 'thief', epoch = epoch + 1`);
    // Taken outside the protocol (it takes an expired lease): the last confirmation answers until its reuse is over.
    await sleep(CONFIRMATION_REUSE_MS + 2);
    const lost = firstValueFrom(a.leadership$.pipe(filter((leading) => !leading)));
    expect(await a.confirm()).toBe(false);
    await lost;
    expect(a.isLeader).toBe(false);
    expect(a.epoch).toBeNull();
    expect(await a.confirm()).toBe(false);
  });

  it('shares confirmations among concurrent callers: one in flight answers only those who asked before it was sent', async () => {
    const a = replica({ leaseTtlMs: 120_000, leaseRenewIntervalMs: 60_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    const internals = a as unknown as { leaseQuery(sql: string, params: unknown[]): Promise<unknown[]> };
    const real = internals.leaseQuery.bind(a);
    let release!: () => void;
    let answered = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    // The first confirmation reads the lease at once, but its answer arrives only when released.
    const query = jest.spyOn(internals, 'leaseQuery').mockImplementation(async (sql, params) => {
      const rows = await real(sql, params);
      if (first) {
        first = false;
        await answered;
      }
      return rows;
    });

    const early = a.confirm();
    await eventually(() => query.mock.calls.length === 1 && !first, 'the first check to have read the lease');
    // A burst arriving meanwhile waits for one more check, not one each.
    const burst = Array.from({ length: 50 }, () => a.confirm());
    release();
    expect(await early).toBe(true);
    expect(await Promise.all(burst)).toEqual(Array(50).fill(true));
    expect(query).toHaveBeenCalledTimes(2);

    // The lease is taken while a check that read it before is still answering: a caller after the theft gets false
    // (once the answers of the last check are no longer reused).
    await sleep(CONFIRMATION_REUSE_MS + 2);
    answered = new Promise<void>((resolve) => (release = resolve));
    first = true;
    const stale = a.confirm();
    await eventually(() => !first, 'the check to have read the lease');
    await dataSource.query(`UPDATE engine_lease SET holder = 'thief', epoch = epoch + 1`);
    const after = a.confirm();
    release();
    expect(await stale).toBe(true);
    expect(await after).toBe(false);
    expect(a.isLeader).toBe(false);
  });

  it('lets a confirmation answer the callers of the next CONFIRMATION_REUSE_MS without a query, never past the expiry it read', async () => {
    // The monotonic clock, moved by the test (the lease is timed with it too).
    let now = performance.now();
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const a = replica({ leaseTtlMs: 120_000, leaseRenewIntervalMs: 60_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    const internals = a as unknown as { leaseQuery(sql: string, params: unknown[]): Promise<unknown[]> };
    const query = jest.spyOn(internals, 'leaseQuery');

    expect(await a.confirm()).toBe(true);
    expect(query).toHaveBeenCalledTimes(1);
    now += CONFIRMATION_REUSE_MS - 1;
    expect(await a.confirm()).toBe(true);
    expect(query).toHaveBeenCalledTimes(1);
    now += 1;
    expect(await a.confirm()).toBe(true);
    expect(query).toHaveBeenCalledTimes(2);

    // The database says the lease runs out in 5 ms: that answer serves 5 ms, not CONFIRMATION_REUSE_MS.
    now += CONFIRMATION_REUSE_MS;
    query.mockResolvedValueOnce([{ remaining_ms: 5 }]);
    expect(await a.confirm()).toBe(true);
    expect(query).toHaveBeenCalledTimes(3);
    now += 4;
    expect(await a.confirm()).toBe(true);
    expect(query).toHaveBeenCalledTimes(3);
    now += 1;
    await expireLease();
    expect(await a.confirm()).toBe(false);
    expect(query).toHaveBeenCalledTimes(4);
    expect(a.isLeader).toBe(false);
  });

  it('does not confirm a lease that expired by the database clock', async () => {
    const a = replica({ leaseTtlMs: 120_000, leaseRenewIntervalMs: 60_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    await expireLease();
    expect(await a.confirm()).toBe(false);
    expect(a.isLeader).toBe(false);
  });

  it('answers confirm() without a query when not leading, and steps down when the database fails', async () => {
    const query = jest.fn().mockRejectedValue(new Error('connection reset'));
    const a = new LeaderElectionService({ query } as unknown as DataSource, config);
    services.push(a);
    expect(await a.confirm()).toBe(false);
    expect(query).not.toHaveBeenCalled();

    (a as unknown as { validUntil: number }).validUntil = performance.now() + 60_000;
    (a as unknown as { leader$: { next(v: boolean): void } }).leader$.next(true);
    const lost = firstValueFrom(a.leadership$.pipe(filter((leading) => !leading)));
    expect(await a.confirm()).toBe(false);
    expect(query).toHaveBeenCalledTimes(1);
    await lost;
    expect(a.isLeader).toBe(false);
  });

  it('times the lease with the monotonic clock: a wall-clock jump changes nothing', async () => {
    const a = replica({ leaseTtlMs: 120_000, leaseRenewIntervalMs: 60_000 });
    a.start();
    await eventually(() => a.isLeader, 'a to lead');
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 10 * 365 * 24 * 3600_000);
    expect(a.isLeader).toBe(true);
    expect(a.epoch).toBe(1);
    jest.spyOn(Date, 'now').mockReturnValue(0);
    expect(a.isLeader).toBe(true);
  });

  it('says so on leadership$ when the lease runs out locally while renewals hang', async () => {
    const a = new LeaderElectionService({ query: () => new Promise(() => undefined) } as unknown as DataSource, config);
    services.push(a);
    const internals = a as unknown as { validUntil: number; setLeader(v: boolean): void };
    internals.validUntil = performance.now() + 100;
    internals.setLeader(true);
    await firstValueFrom(a.leadership$.pipe(filter((leading) => !leading)));
    expect(a.isLeader).toBe(false);
  });
});
