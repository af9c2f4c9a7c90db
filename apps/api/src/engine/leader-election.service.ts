import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { BehaviorSubject, distinctUntilChanged, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { databaseConfig, type DatabaseConfig } from '../config/database.config';
import { engineConfig } from '../config/engine.config';
import { pgPoolOptions, sslOption } from '../database/typeorm.options';

const LEASE_NAME = 'engine';
/** Upper bound of the client-side timeout of a lease query on the dedicated connection. */
const MAX_LEASE_QUERY_TIMEOUT_MS = 5_000;

/**
 * How long a confirmation answers later callers without a query of their own, counted from when its query was sent
 * (and never past the expiry the database reported). A create already goes out after its confirmation's answer,
 * its intent's write and, for a run's first VM, a server group made on Nova: tens of milliseconds. This adds at most
 * as much again, and spares a window of 500 VMs about 240 of its 250 round trips on the lease's connection.
 */
export const CONFIRMATION_REUSE_MS = 20;

/** What the lease needs to know about the database to open its own connection. */
export type LeaseDatabaseSettings = Pick<DatabaseConfig, 'url' | 'ssl' | 'embedded' | 'keepAlive'>;

/**
 * Exactly one engine acts at a time. Replicas compete for one row in `engine_lease`; the holder renews it
 * before it expires, and anyone may take it once it has. Expiry is judged by the database's clock, so
 * replicas with skewed clocks still agree; locally, the lease is timed with the monotonic clock
 * (`performance.now()`), so a wall-clock jump cannot stretch it. A row (not an advisory lock) works on the
 * embedded database's single shared session too.
 *
 * Fencing: each change of holder (and each new term of the same replica) raises the row's `epoch`; renewals keep
 * it. Before every irreversible action the engine calls {@link confirm}, one round trip that checks holder, epoch
 * and expiry on the database, so a leader that was paused past its lease (GC, a stalled network) cannot act.
 *
 * With a PostgreSQL server, renewals and confirmations go through a connection of their own with short timeouts,
 * so engine passes that fill the pool cannot starve them and a dead network path is noticed within seconds.
 * The embedded database has a single connection: there they share the DataSource.
 */
@Injectable()
export class LeaderElectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaderElectionService.name);
  readonly holderId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly leader$ = new BehaviorSubject(false);
  private timer?: NodeJS.Timeout;
  private expiryTimer?: NodeJS.Timeout;
  /** Monotonic (performance.now) deadline after which we must assume the lease lapsed, even if the database cannot tell us. */
  private validUntil = 0;
  /** The epoch of the lease as of our last successful acquisition or renewal; null when we do not hold it. */
  private heldEpoch: number | null = null;
  private stopped = false;
  /** The dedicated connection (a pool of one), opened on first use; only with a PostgreSQL server. */
  private leasePool?: Pool;
  private readonly leaseQueryTimeoutMs: number;
  /** The confirmation in flight, and the one callers arriving meanwhile wait for (see {@link confirm}). */
  private checking?: Promise<boolean>;
  private nextCheck?: Promise<boolean>;
  /** The last confirmation that found the lease ours: its epoch, and until when (monotonic) it answers callers. */
  private confirmed: { epoch: number; until: number } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
    @Optional() @Inject(databaseConfig.KEY) private readonly database?: LeaseDatabaseSettings,
  ) {
    this.leaseQueryTimeoutMs = Math.min(Math.floor(config.leaseTtlMs / 3), MAX_LEASE_QUERY_TIMEOUT_MS);
  }

  get isLeader(): boolean {
    return this.leader$.value && performance.now() < this.validUntil;
  }

  /** The epoch of the lease this replica holds, or null when it is not leading. */
  get epoch(): number | null {
    return this.isLeader ? this.heldEpoch : null;
  }

  /** Emits true when this replica becomes leader, false when it stops being one. */
  get leadership$(): Observable<boolean> {
    return this.leader$.pipe(distinctUntilChanged());
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /**
   * One acquire-or-renew attempt; returns whether we hold the lease afterwards. Taking the lease from another
   * holder, creating the row, or starting a new term after we lost it raises the epoch; renewing our current
   * term keeps it.
   */
  async tryAcquire(): Promise<boolean> {
    const started = performance.now();
    const renewing = this.heldEpoch;
    const rows: { epoch: string }[] = await this.leaseQuery(
      `INSERT INTO engine_lease (name, holder, expires_at, acquired_at, epoch)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), now(), 1)
       ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder,
             expires_at = EXCLUDED.expires_at,
             acquired_at = CASE WHEN engine_lease.holder = EXCLUDED.holder THEN engine_lease.acquired_at ELSE EXCLUDED.acquired_at END,
             epoch = CASE WHEN engine_lease.holder = EXCLUDED.holder AND engine_lease.epoch = $4::bigint
                          THEN engine_lease.epoch ELSE engine_lease.epoch + 1 END
         WHERE engine_lease.holder = EXCLUDED.holder OR engine_lease.expires_at <= now()
       RETURNING epoch`,
      [LEASE_NAME, this.holderId, this.config.leaseTtlMs, renewing],
    );
    if (rows.length !== 1) {
      this.heldEpoch = null;
      return false;
    }
    // Count the TTL from before the query was sent: the lease may have been written at any point since.
    this.validUntil = started + this.config.leaseTtlMs;
    this.heldEpoch = Number(rows[0].epoch);
    return true;
  }

  /**
   * Whether this replica still holds the lease, in the same epoch, unexpired by the database's clock, to call right
   * before acting on the cloud. False at once (no query) when not leading. When the check fails (lease lost, or the
   * database does not answer in time) this replica stops leading at once.
   *
   * A check that found the lease ours answers true, without a query, to callers asking within
   * {@link CONFIRMATION_REUSE_MS} of when it was sent, and never past the expiry it read: until then no other replica
   * can take the lease (taking it needs it expired by the database's clock), so the answer holds when they ask.
   * Otherwise concurrent callers share checks: one arriving while a check is in flight waits for the next one, which
   * starts when that one ends and answers everyone who came meanwhile, so its answer comes from a query sent after
   * it asked. A burst of 500 creates costs a round trip per 20 ms on the lease's single connection, not 500 in a row.
   */
  confirm(): Promise<boolean> {
    if (!this.isLeader) return Promise.resolve(false);
    const confirmed = this.confirmed;
    if (confirmed && confirmed.epoch === this.heldEpoch && performance.now() < confirmed.until) return Promise.resolve(true);
    if (this.nextCheck) return this.nextCheck;
    if (!this.checking) return this.startCheck();
    this.nextCheck = this.checking.then(() => {
      this.nextCheck = undefined;
      return this.startCheck();
    });
    return this.nextCheck;
  }

  private startCheck(): Promise<boolean> {
    const check: Promise<boolean> = this.checkLease().finally(() => {
      if (this.checking === check) this.checking = undefined;
    });
    this.checking = check;
    return check;
  }

  /** One confirmation query (never rejects). */
  private async checkLease(): Promise<boolean> {
    if (!this.isLeader) return false;
    const epoch = this.heldEpoch;
    const sent = performance.now();
    try {
      const rows = await this.leaseQuery<{ remaining_ms: number }>(
        `SELECT (extract(epoch FROM expires_at - now()) * 1000)::float8 AS remaining_ms
           FROM engine_lease WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > now()`,
        [LEASE_NAME, this.holderId, epoch],
      );
      if (rows.length === 1) {
        if (!this.isLeader || this.heldEpoch !== epoch) return false;
        // The database read now() after the query was sent: the lease is ours for at least that long after `sent`.
        const until = sent + Math.min(CONFIRMATION_REUSE_MS, Number(rows[0].remaining_ms));
        const previous = this.confirmed?.epoch === epoch ? this.confirmed.until : 0;
        if (epoch !== null) this.confirmed = { epoch, until: Math.max(until, previous) };
        return true;
      }
      this.logger.warn(`Engine lease (epoch ${epoch}) is no longer ours`);
    } catch (error) {
      this.logger.warn(`Could not confirm the engine lease: ${(error as Error).message}`);
    }
    // A renewal may have started a new term meanwhile; only the term we checked ends here.
    if (this.heldEpoch === epoch) this.stepDown();
    return false;
  }

  /** Gives the lease up at once so another replica does not wait for it to expire. The row (and its epoch) stays. */
  async release(): Promise<void> {
    if (!this.leader$.value) return;
    this.stepDown();
    await this.leaseQuery(`UPDATE engine_lease SET expires_at = now() WHERE name = $1 AND holder = $2`, [LEASE_NAME, this.holderId]).catch(
      (error: Error) => this.logger.warn(`Could not release the engine lease: ${error.message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.expiryTimer);
    if (this.leasePool || this.dataSource.isInitialized) await this.release();
    const pool = this.leasePool;
    this.leasePool = undefined;
    await pool?.end().catch((error: Error) => this.logger.warn(`Could not close the engine lease connection: ${error.message}`));
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const held = await this.tryAcquire();
      if (this.stopped) return; // shut down meanwhile: release() has run, do not lead again
      if (held) this.setLeader(true);
      else this.stepDown();
    } catch (error) {
      // Database unreachable: keep leading only while our last successful renewal is still valid.
      this.logger.warn(`Engine lease renewal failed: ${(error as Error).message}`);
      if (performance.now() >= this.validUntil) this.stepDown();
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.config.leaseRenewIntervalMs);
    this.timer.unref();
  }

  private stepDown(): void {
    this.heldEpoch = null;
    this.confirmed = null;
    this.validUntil = 0;
    clearTimeout(this.expiryTimer);
    this.setLeader(false);
  }

  private setLeader(leader: boolean): void {
    if (leader) this.armExpiry();
    if (leader === this.leader$.value) return;
    this.logger.log(
      leader
        ? `This replica (${this.holderId}) is now the engine leader (epoch ${this.heldEpoch})`
        : `This replica (${this.holderId}) is no longer the engine leader`,
    );
    this.leader$.next(leader);
  }

  /** Says so on leadership$ when the lease runs out locally, without waiting for a renewal that may hang. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(
      () => {
        if (this.leader$.value && performance.now() >= this.validUntil) this.stepDown();
        else if (this.leader$.value) this.armExpiry();
      },
      Math.max(0, this.validUntil - performance.now()),
    );
    this.expiryTimer.unref();
  }

  private async leaseQuery<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    const pool = this.dedicatedPool();
    if (!pool) return this.dataSource.query(sql, parameters);
    const result = await pool.query(sql, parameters);
    return result.rows as T[];
  }

  /**
   * A pool of one connection, with a client-side timeout of min(lease TTL / 3, 5 s) on connecting and on every
   * query: a connection whose query timed out is destroyed (pg-pool drops a client released with an error) and
   * the next attempt opens a fresh one.
   */
  private dedicatedPool(): Pool | undefined {
    if (this.leasePool) return this.leasePool;
    const database = this.database;
    if (!database?.url || database.embedded || this.stopped) return undefined;
    const timeout = this.leaseQueryTimeoutMs;
    const pool = new Pool({
      connectionString: database.url,
      ssl: sslOption(database.ssl),
      ...pgPoolOptions({
        url: database.url,
        poolSize: 1,
        connectTimeoutMs: timeout,
        queryTimeoutMs: timeout,
        statementTimeoutMs: timeout,
        idleInTransactionTimeoutMs: 0,
        keepAlive: database.keepAlive,
      }),
    });
    // An idle connection that dies is removed by the pool; without a listener the error would crash the process.
    pool.on('error', (error) => this.logger.warn(`Engine lease connection failed: ${error.message}`));
    this.leasePool = pool;
    return pool;
  }
}
