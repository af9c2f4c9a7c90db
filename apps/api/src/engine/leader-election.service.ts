import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BehaviorSubject, distinctUntilChanged, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { engineConfig } from '../config/engine.config';

const LEASE_NAME = 'engine';

/**
 * Exactly one engine acts at a time. Replicas compete for one row in `engine_lease`; the holder renews it
 * before it expires, and anyone may take it once it has. Expiry is judged by the database's clock, so
 * replicas with skewed clocks still agree. A row (not an advisory lock) works on the embedded database's
 * single shared session too.
 */
@Injectable()
export class LeaderElectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaderElectionService.name);
  readonly holderId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly leader$ = new BehaviorSubject(false);
  private timer?: NodeJS.Timeout;
  /** Local deadline after which we must assume the lease lapsed, even if the database cannot tell us. */
  private validUntil = 0;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
  ) {}

  get isLeader(): boolean {
    return this.leader$.value && Date.now() < this.validUntil;
  }

  /** Whether this replica still holds the lease, asked before every create and delete. */
  async confirm(): Promise<boolean> {
    return this.isLeader;
  }

  /** Emits true when this replica becomes leader, false when it stops being one. */
  get leadership$(): Observable<boolean> {
    return this.leader$.pipe(distinctUntilChanged());
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** One acquire-or-renew attempt; returns whether we hold the lease afterwards. */
  async tryAcquire(): Promise<boolean> {
    const started = Date.now();
    const rows: { holder: string }[] = await this.dataSource.query(
      `INSERT INTO engine_lease (name, holder, expires_at, acquired_at)
       VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000), now())
       ON CONFLICT (name) DO UPDATE
         SET holder = EXCLUDED.holder,
             expires_at = EXCLUDED.expires_at,
             acquired_at = CASE WHEN engine_lease.holder = EXCLUDED.holder THEN engine_lease.acquired_at ELSE EXCLUDED.acquired_at END
         WHERE engine_lease.holder = EXCLUDED.holder OR engine_lease.expires_at < now()
       RETURNING holder`,
      [LEASE_NAME, this.holderId, this.config.leaseTtlMs],
    );
    const held = rows.length === 1;
    // Count the TTL from before the query was sent: the lease may have been written at any point since.
    if (held) this.validUntil = started + this.config.leaseTtlMs;
    return held;
  }

  /** Gives the lease up at once so another replica does not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.leader$.value) return;
    this.setLeader(false);
    await this.dataSource
      .query(`DELETE FROM engine_lease WHERE name = $1 AND holder = $2`, [LEASE_NAME, this.holderId])
      .catch((error: Error) => this.logger.warn(`Could not release the engine lease: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.dataSource.isInitialized) await this.release();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      this.setLeader(await this.tryAcquire());
    } catch (error) {
      // Database unreachable: keep leading only while our last successful renewal is still valid.
      this.logger.warn(`Engine lease renewal failed: ${(error as Error).message}`);
      if (Date.now() >= this.validUntil) this.setLeader(false);
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.config.leaseRenewIntervalMs);
    this.timer.unref();
  }

  private setLeader(leader: boolean): void {
    if (leader === this.leader$.value) return;
    this.logger.log(
      leader
        ? `This replica (${this.holderId}) is now the engine leader`
        : `This replica (${this.holderId}) is no longer the engine leader`,
    );
    this.leader$.next(leader);
  }
}
