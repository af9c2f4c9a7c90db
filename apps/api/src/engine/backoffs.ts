import type { BackoffView } from './planner';

/** The longest a slot, a run or a delete waits before its next try. */
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * What the engine remembers between passes, in memory only (a new leader starts fresh): when a slot or a run may
 * create again, how many errors in a row a run or a delete had, which servers Nova was asked to delete, and since
 * when each server has been seen building. Every instant is on the monotonic clock (`Clock.monotonicMs`).
 */
export class Backoffs implements BackoffView {
  private readonly until = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly deleteRequested = new Map<string, number>();
  private readonly building = new Map<string, number>();
  /** Servers with a delete asked for or backing off (their state is dropped once Nova no longer lists them). */
  private readonly servers = new Set<string>();

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

  buildingSince(serverId: string): number {
    return this.building.get(serverId) ?? Number.POSITIVE_INFINITY;
  }

  /** Before planning: notes when each listed server was first seen building, and forgets servers no longer listed. */
  observe(servers: readonly { id: string; status: string }[], t: number): void {
    const listed = new Set(servers.map((server) => server.id));
    for (const server of servers) if (server.status === 'BUILD' && !this.building.has(server.id)) this.building.set(server.id, t);
    for (const id of this.building.keys()) if (!listed.has(id)) this.building.delete(id);
    for (const id of this.servers) if (!listed.has(id)) this.forgetServer(id);
  }

  /** A slot's VM failed for the `attempt`-th time: hold its next create back. */
  backOffSlot(slotId: string, attempt: number, t: number): void {
    this.until.set(slotId, t + this.delay(attempt));
  }

  /** The run had another quota or cloud error in a row: hold all its creates back, longer each time. */
  backOffRun(runId: string, t: number): void {
    this.until.set(runId, t + this.delay(this.fail(runId)));
  }

  resetRun(runId: string): void {
    this.failures.delete(runId);
  }

  deleteSent(serverId: string, t: number): void {
    this.deleteRequested.set(serverId, t);
    this.servers.add(serverId);
  }

  /** Nova refused a delete (or did not answer): ask again after a backoff that grows with each refusal in a row. */
  deleteFailed(serverId: string, t: number): number {
    this.deleteRequested.delete(serverId);
    const failures = this.fail(serverId);
    this.until.set(serverId, t + this.delay(failures));
    return failures;
  }

  /** The run closed: nothing of it is waited for any more. */
  forgetRun(runId: string, slots: readonly { id: string; serverId: string | null }[]): void {
    this.until.delete(runId);
    this.failures.delete(runId);
    for (const slot of slots) {
      this.until.delete(slot.id);
      if (slot.serverId) this.forgetServer(slot.serverId);
    }
  }

  forgetServer(serverId: string): void {
    this.deleteRequested.delete(serverId);
    this.until.delete(serverId);
    this.failures.delete(serverId);
    this.building.delete(serverId);
    this.servers.delete(serverId);
  }

  /** How long until the earliest wait that has not elapsed at `t` (null: none), for the engine's wake-up timer. */
  nextRetryInMs(t: number): number | null {
    const pending = [...this.until.values()].filter((u) => u > t);
    return pending.length > 0 ? Math.min(...pending) - t : null;
  }

  clear(): void {
    this.until.clear();
    this.failures.clear();
    this.deleteRequested.clear();
    this.building.clear();
    this.servers.clear();
  }

  private fail(id: string): number {
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    return failures;
  }

  /** Exponential from the base, capped, with jitter so that many runs do not retry in step. */
  private delay(attempt: number): number {
    const base = this.baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1));
    return Math.min(base, MAX_BACKOFF_MS) * (0.5 + this.random() / 2);
  }
}
