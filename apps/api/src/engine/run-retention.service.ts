import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { Subscription } from 'rxjs';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { RunsRepository } from '../runs/runs.repository';
import { LeaderElectionService } from './leader-election.service';

/** The first prune after this replica becomes leader waits this long (the engine's first passes come first). */
export const FIRST_PRUNE_DELAY_MS = 60_000;
/** Then pruning runs this often while the replica leads. */
export const PRUNE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Keeps run history bounded: on the leader only, shortly after it becomes leader and then every hour, deletes
 * finished runs (and their VMs) whose window ended more than RUN_RETENTION_DAYS ago, RUN_RETENTION_BATCH rows per
 * statement. Live runs are never pruned. Losing the lease (or shutting down) clears the timer and stops a prune
 * in progress between two batches; the next leader picks it up.
 */
@Injectable()
export class RunRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunRetention');
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private leading = false;
  /** The prune in progress, and how to stop it. */
  private running?: { readonly done: Promise<number>; readonly abort: AbortController };

  constructor(
    private readonly leader: LeaderElectionService,
    private readonly runs: RunsRepository,
    private readonly clock: Clock,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.leader.leadership$.subscribe((leading) => (leading ? this.onLeading() : this.onFollowing()));
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.onFollowing();
    await this.running?.done.catch(() => 0);
  }

  /**
   * Prunes now, whether or not this replica leads (tests, operators); resolves with how many runs were deleted.
   * A prune already in progress is not doubled: its result is returned.
   */
  pruneNow(): Promise<number> {
    if (this.running) return this.running.done;
    const abort = new AbortController();
    const cutoff = new Date(this.clock.now().getTime() - this.config.runRetentionDays * DAY_MS);
    const done = this.runs.pruneFinishedBefore(cutoff, this.config.runRetentionBatch, abort.signal).then(
      (deleted) => {
        if (deleted > 0)
          this.logger.log(`Pruned ${deleted} finished run(s) whose window ended before ${cutoff.toISOString()} (RUN_RETENTION_DAYS)`);
        else this.logger.debug(`No finished run older than ${this.config.runRetentionDays} day(s) to prune`);
        return deleted;
      },
      (error: unknown) => {
        this.logger.warn(`Pruning old runs failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      },
    );
    const running = { done, abort };
    this.running = running;
    void done
      .catch(() => 0)
      .finally(() => {
        if (this.running === running) this.running = undefined;
      });
    return done;
  }

  private onLeading(): void {
    this.leading = true;
    this.schedule(FIRST_PRUNE_DELAY_MS);
  }

  private onFollowing(): void {
    this.leading = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running?.abort.abort();
  }

  /** Arms the one timer; a prune re-arms it when it finishes, so prunes never overlap. */
  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.leading || !this.leader.isLeader) return;
      void this.pruneNow()
        .catch(() => 0)
        .finally(() => {
          if (this.leading) this.schedule(PRUNE_INTERVAL_MS);
        });
    }, delayMs);
    this.timer.unref();
  }
}
