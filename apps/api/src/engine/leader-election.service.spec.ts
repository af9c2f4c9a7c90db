import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, filter } from 'rxjs';
import { DataSource } from 'typeorm';
import type { EngineConfig } from '../config/engine.config';
import { typeormOptions } from '../database/typeorm.options';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { LeaderElectionService } from './leader-election.service';

describe(LeaderElectionService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const config = { leaseTtlMs: 1000, leaseRenewIntervalMs: 200 } as EngineConfig;
  const services: LeaderElectionService[] = [];

  function replica(overrides: Partial<EngineConfig> = {}): LeaderElectionService {
    const sut = new LeaderElectionService(dataSource, { ...config, ...overrides });
    services.push(sut);
    return sut;
  }

  beforeAll(async () => {
    db = await createTestDatabase('lease');
    dataSource = await new DataSource(typeormOptions({ url: db.url, poolSize: 2 })).initialize();
  });

  afterEach(async () => {
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
    (a as unknown as { validUntil: number }).validUntil = Date.now() + 300;
    (a as unknown as { leader$: { next(v: boolean): void } }).leader$.next(true);
    expect(a.isLeader).toBe(true);
    await sleep(350);
    expect(a.isLeader).toBe(false);
  });
});
