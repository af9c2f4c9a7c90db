import { BehaviorSubject } from 'rxjs';
import { ManualClock } from '../common/clock';
import type { EngineConfig } from '../config/engine.config';
import type { RunsRepository } from '../runs/runs.repository';
import type { LeaderElectionService } from './leader-election.service';
import { FIRST_PRUNE_DELAY_MS, PRUNE_INTERVAL_MS, RunRetentionService } from './run-retention.service';

/** When the service prunes and with what cutoff; the pruning itself is tested on PostgreSQL in runs.repository.spec. */
describe(RunRetentionService.name, () => {
  const clock = new ManualClock(new Date('2026-09-01T12:00:00Z'));
  const config = { runRetentionDays: 30, runRetentionBatch: 7 } as EngineConfig;
  let leadership: BehaviorSubject<boolean>;
  let prune: jest.Mock<Promise<number>, [Date, number, AbortSignal | undefined]>;
  let sut: RunRetentionService;

  beforeEach(() => {
    jest.useFakeTimers();
    leadership = new BehaviorSubject(false);
    prune = jest.fn<Promise<number>, [Date, number, AbortSignal | undefined]>().mockResolvedValue(3);
    const leader = {
      leadership$: leadership.asObservable(),
      get isLeader() {
        return leadership.value;
      },
    } as unknown as LeaderElectionService;
    sut = new RunRetentionService(leader, { pruneFinishedBefore: prune } as unknown as RunsRepository, clock, config);
    sut.onApplicationBootstrap();
  });

  afterEach(async () => {
    await sut.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('prunes finished runs older than the retention, by the injected clock, in batches of the configured size', async () => {
    expect(await sut.pruneNow()).toBe(3);
    expect(prune).toHaveBeenCalledWith(new Date('2026-08-02T12:00:00Z'), 7, expect.any(AbortSignal));
  });

  it('prunes only while leading: shortly after becoming leader, then every hour, and no more once it lost the lease', async () => {
    await jest.advanceTimersByTimeAsync(2 * PRUNE_INTERVAL_MS);
    expect(prune).not.toHaveBeenCalled();

    leadership.next(true);
    await jest.advanceTimersByTimeAsync(FIRST_PRUNE_DELAY_MS - 1);
    expect(prune).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(prune).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS);
    expect(prune).toHaveBeenCalledTimes(2);

    leadership.next(false);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(3 * PRUNE_INTERVAL_MS);
    expect(prune).toHaveBeenCalledTimes(2);
  });

  it('keeps its hourly timer after a failed prune, and stops a prune in progress when leadership is lost', async () => {
    prune.mockRejectedValueOnce(new Error('connection reset'));
    leadership.next(true);
    await jest.advanceTimersByTimeAsync(FIRST_PRUNE_DELAY_MS);
    expect(prune).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(1);

    let finish!: (deleted: number) => void;
    prune.mockImplementationOnce(() => new Promise<number>((resolve) => (finish = resolve)));
    await jest.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS);
    const signal = prune.mock.calls[1][2];
    expect(signal?.aborted).toBe(false);
    leadership.next(false);
    expect(signal?.aborted).toBe(true);
    finish(1);
    await jest.advanceTimersByTimeAsync(PRUNE_INTERVAL_MS);
    expect(prune).toHaveBeenCalledTimes(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears its timer on shutdown', async () => {
    leadership.next(true);
    expect(jest.getTimerCount()).toBe(1);
    await sut.onApplicationShutdown();
    expect(jest.getTimerCount()).toBe(0);
  });
});
