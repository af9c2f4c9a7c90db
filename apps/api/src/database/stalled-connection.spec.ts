import { startTcpProxy, type TcpProxy } from '@peak/testing';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
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
      proxy.resume();
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
      const [{ now: stalledAt }] = await direct.query('SELECT now()');

      proxy.stall();
      const started = performance.now();

      // A renewal written after the stall shows that a fresh connection replaced the black-holed one.
      const bound = config.leaseTtlMs + slack * queryTimeoutMs;
      await until(
        async () => {
          const rows = await direct.query(
            `SELECT 1 FROM engine_lease WHERE holder = $1 AND expires_at > $2::timestamptz + make_interval(secs => $3)`,
            [leader.holderId, stalledAt, config.leaseTtlMs / 1000],
          );
          return rows.length === 1;
        },
        'a renewal after the stall',
        bound,
      );
      await until(() => leader.isLeader, 'leading again', bound - (performance.now() - started));
      expect(await leader.confirm()).toBe(true);
      expect(performance.now() - started).toBeLessThan(bound);
    } finally {
      proxy.resume();
      await leader.onApplicationShutdown();
    }
  });

  it('lets confirm() fail fast on a stalled connection, and the leader lead again on a new one', async () => {
    const config = { leaseTtlMs: 3 * queryTimeoutMs, leaseRenewIntervalMs: 200 } as EngineConfig;
    const leader = new LeaderElectionService(direct, config, { url: proxy.url(db.url), ssl: false, embedded: false, keepAlive: true });
    try {
      leader.start();
      await until(() => leader.isLeader, 'the first lease', 10_000);

      proxy.stall();
      const started = performance.now();
      const confirmed = await settle(leader.confirm());
      expect(confirmed.result).toBe(false);
      expect(leader.isLeader).toBe(false);
      // It may wait for the pool's one connection (held by a stalled renewal) and then for its own answer.
      expect(confirmed.ms).toBeLessThan(2 * queryTimeoutMs * slack);

      await until(() => leader.isLeader, 'leading again', config.leaseTtlMs + slack * queryTimeoutMs);
      expect(await leader.confirm()).toBe(true);
      expect(performance.now() - started).toBeLessThan(config.leaseTtlMs + 2 * slack * queryTimeoutMs);
    } finally {
      proxy.resume();
      await leader.onApplicationShutdown();
    }
  });
});
