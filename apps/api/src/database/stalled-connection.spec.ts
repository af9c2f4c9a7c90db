import { startTcpProxy, type TcpProxy } from '@peak/testing';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, firstValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import type { EngineConfig } from '../config/engine.config';
import { LeaderElectionService } from '../engine/leader-election.service';
import { createTestDatabase, TestDatabase } from '../testing/test-database';
import { typeormOptions } from './typeorm.options';

/** Polls `condition` until it holds; resolves with the time it took, or fails after `timeoutMs`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return performance.now() - started;
}

/** Measures how long `promise` takes to settle. */
async function settle<T>(promise: Promise<T>): Promise<{ ms: number; result?: T; error?: Error }> {
  const started = performance.now();
  try {
    const result = await promise;
    return { ms: performance.now() - started, result };
  } catch (error) {
    return { ms: performance.now() - started, error: error as Error };
  }
}

// A database server whose network path silently drops everything (a black hole: no reset, no answer) must
// cost a bounded wait, after which the app works again on a fresh connection. The embedded fallback has one
// connection only, so it cannot replace a stalled one: these tests need a PostgreSQL server.
const describeWithServer = process.env['PEAK_TEST_PG_EMBEDDED'] === 'true' ? describe.skip : describe;

describeWithServer('a stalled database connection', () => {
  const queryTimeoutMs = 1000;
  // Generous for a loaded two-core CI runner: the bound proves "seconds, not forever".
  const slack = 3;
  let db: TestDatabase;
  let proxy: TcpProxy;
  let direct: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('stalled');
    const target = new URL(db.url);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    // Migrations and observations go straight to the server, never through the proxy.
    direct = await new DataSource(typeormOptions({ url: db.url, poolSize: 1 })).initialize();
  });

  // Stalled connections stay black-holed until the proxy closes: resuming them would deliver requests the
  // clients gave up on long ago (a late renewal would extend a lease its replica no longer counts on).
  afterEach(async () => {
    await direct.query('DELETE FROM engine_lease');
  });

  afterAll(async () => {
    await direct?.destroy();
    await proxy?.close();
    await db?.drop();
  });

  it('fails a query within the query timeout, then answers the next one on a new connection', async () => {
    // One connection: if the stuck one went back to the pool, every later query would time out too.
    const sut = await new DataSource(
      typeormOptions({ url: proxy.url(db.url), poolSize: 1, queryTimeoutMs, connectTimeoutMs: queryTimeoutMs, migrationsRun: false }),
    ).initialize();
    try {
      const [before] = await sut.query('SELECT pg_backend_pid() AS pid');
      proxy.stall();

      const stalled = await settle(sut.query('SELECT 1'));
      expect(stalled.error?.message).toMatch(/Query read timeout/);
      expect(stalled.ms).toBeGreaterThanOrEqual(queryTimeoutMs - 50);
      expect(stalled.ms).toBeLessThan(queryTimeoutMs * slack);

      const next = await settle(sut.query('SELECT pg_backend_pid() AS pid'));
      expect(next.error).toBeUndefined();
      expect(next.result?.[0].pid).not.toBe(before.pid);
      expect(next.ms).toBeLessThan(queryTimeoutMs * slack);
    } finally {
      await sut.destroy();
    }
  });

  it('lets the engine leader hold its lease again within its TTL plus the lease query timeout', async () => {
    // The lease's own connection times out after min(TTL / 3, 5 s) = 1 s.
    const config = { leaseTtlMs: 3 * queryTimeoutMs, leaseRenewIntervalMs: 200 } as EngineConfig;
    const leader = new LeaderElectionService(direct, config, { url: proxy.url(db.url), ssl: false, embedded: false, keepAlive: true });
    try {
      leader.start();
      await until(() => leader.isLeader, 'the first lease', 10_000);
      expect(await leader.confirm()).toBe(true);

      proxy.stall();
      const started = performance.now();
      const [{ now: stalledAt }] = await direct.query('SELECT now()');

      // A renewal the server ran more than a query timeout after the stall cannot have come through the
      // black-holed connection (nothing it sends arrives): a fresh connection replaced it.
      const bound = config.leaseTtlMs + slack * queryTimeoutMs;
      const renewedAfterStall = async () => {
        const rows = await direct.query(
          `SELECT 1 FROM engine_lease WHERE holder = $1 AND expires_at > $2::timestamptz + make_interval(secs => $3::double precision / 1000)`,
          [leader.holderId, stalledAt, config.leaseTtlMs + queryTimeoutMs],
        );
        return rows.length === 1;
      };
      await until(async () => leader.isLeader && (await renewedAfterStall()), 'a renewal on a new connection', bound);
      expect(performance.now() - started).toBeLessThan(bound);
      // The pool's one connection is the new one: the check answers (through a stalled one it could not).
      const confirmed = await settle(leader.confirm());
      expect(confirmed.result).toBe(true);
      expect(confirmed.ms).toBeLessThan(slack * queryTimeoutMs);
    } finally {
      await leader.onApplicationShutdown();
    }
  });

  it('lets confirm() fail within the lease query timeout on a stalled connection, which the next attempt replaces', async () => {
    // Renewals far apart: nothing but confirm() uses the connection when it stalls.
    const config = { leaseTtlMs: 3 * queryTimeoutMs, leaseRenewIntervalMs: 60_000 } as EngineConfig;
    const leader = new LeaderElectionService(direct, config, { url: proxy.url(db.url), ssl: false, embedded: false, keepAlive: true });
    try {
      leader.start();
      await until(() => leader.isLeader, 'the first lease', 10_000);
      const lost = firstValueFrom(leader.leadership$.pipe(filter((leading) => !leading)));

      proxy.stall();
      const confirmed = await settle(leader.confirm());
      expect(confirmed.result).toBe(false);
      expect(confirmed.ms).toBeLessThan(slack * queryTimeoutMs);
      expect(leader.isLeader).toBe(false);
      await lost;

      const renewed = await settle(leader.tryAcquire());
      expect(renewed.error).toBeUndefined();
      expect(renewed.result).toBe(true);
      expect(renewed.ms).toBeLessThan(slack * queryTimeoutMs);
    } finally {
      await leader.onApplicationShutdown();
    }
  });
});
