import type { BackoffView } from './planner';

/** The longest a slot or a run waits before its next try. */
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * What the engine remembers between passes, in memory only (a new leader starts fresh): when a slot or a
 * run may create again, how many errors in a row a run had, and which servers Nova was asked to delete.
 */
export class Backoffs implements BackoffView {
  private readonly until = new Map<string, number>();
  private readonly runFailures = new Map<string, number>();
  private readonly deleteRequested = new Map<string, number>();

  constructor(
    private readonly baseMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  notBefore(id: string): number {
    return this.until.get(id) ?? 0;
  }

  deleteRequestedAt(serverId: string): number | undefined {
    return this.deleteRequested.get(serverId);
  }

  /** A slot's VM failed for the `attempt`-th time: hold its next create back. */
  backOffSlot(slotId: string, attempt: number, now: Date): void {
    this.until.set(slotId, now.getTime() + this.delay(attempt));
  }

  /** The run had another quota or cloud error in a row: hold all its creates back, longer each time. */
  backOffRun(runId: string, now: Date): void {
    const failures = (this.runFailures.get(runId) ?? 0) + 1;
    this.runFailures.set(runId, failures);
    this.until.set(runId, now.getTime() + this.delay(failures));
  }

  resetRun(runId: string): void {
    this.runFailures.delete(runId);
  }

  deleteSent(serverId: string, now: Date): void {
    this.deleteRequested.set(serverId, now.getTime());
  }

  deleteFailed(serverId: string): void {
    this.deleteRequested.delete(serverId);
  }

  /** The run closed: nothing of it is waited for any more. */
  forgetRun(runId: string, slots: readonly { id: string; serverId: string | null }[]): void {
    this.until.delete(runId);
    this.runFailures.delete(runId);
    for (const slot of slots) {
      this.until.delete(slot.id);
      if (slot.serverId) this.deleteRequested.delete(slot.serverId);
    }
  }

  /** The earliest wait that has not elapsed at `now`, for the engine's wake-up timer. */
  nextRetryAt(now: Date): Date | null {
    const pending = [...this.until.values()].filter((t) => t > now.getTime());
    return pending.length > 0 ? new Date(Math.min(...pending)) : null;
  }

  clear(): void {
    this.until.clear();
    this.runFailures.clear();
    this.deleteRequested.clear();
  }

  /** Exponential from the base, capped, with jitter so that many runs do not retry in step. */
  private delay(attempt: number): number {
    const base = this.baseMs * 2 ** Math.max(0, attempt - 1);
    return Math.min(base, MAX_BACKOFF_MS) * (0.5 + this.random() / 2);
  }
}
