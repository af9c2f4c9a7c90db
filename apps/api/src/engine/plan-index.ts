import type { Plan } from '@peak/schedule-domain';

/** What the index needs of a schedule: its plan at an instant, and a way to drop the plan it memoised. */
export interface Plannable {
  planAt(at: Date): Plan;
  /** Drops the schedule's own memo of its last plan: the index keeps what it needs of it. */
  forgetPlan(): void;
}

interface Entry {
  /** The instant the plan stops holding (its `nextBoundary`). */
  readonly until: number;
  readonly id: string;
  /** The number of the plan it belongs to; an entry of an older plan of the same schedule is stale and skipped. */
  readonly seq: number;
}

/**
 * Which schedules are inside a window now, and when the next one's plan changes, without asking every schedule on
 * every pass. A plan holds from the instant it was made until its `nextBoundary`; the index keeps those boundaries
 * in a min-heap, so a pass re-plans only the schedules whose boundary has passed and those that changed
 * since (`touch`). With 100,000 schedules a pass then costs what the few due ones cost, not a walk over all of them.
 *
 * The clock going back (a wall-clock step) could make held plans wrong: the index then plans everything again.
 */
export class PlanIndex {
  private readonly heap: Entry[] = [];
  /**
   * The number of the latest plan of each planned schedule. Only the plans with a current window are kept whole
   * (`inWindow`): a plan is a few objects and up to six Dates, and most schedules are outside their windows.
   */
  private readonly plans = new Map<string, number>();
  private seq = 0;
  /** Schedules whose plan has a current window. */
  private readonly inWindow = new Map<string, Plan>();
  /** Schedules to plan at the next look: added, changed or removed since. */
  private readonly dirty = new Set<string>();
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly lookup: (id: string) => Plannable | undefined,
    private readonly allIds: () => Iterable<string>,
  ) {}

  /** A schedule was added, changed or removed: it is planned afresh at the next look. */
  touch(id: string): void {
    this.dirty.add(id);
  }

  /** Everything changed (a full reload): every schedule is planned afresh at the next look. */
  reset(): void {
    this.heap.length = 0;
    this.plans.clear();
    this.inWindow.clear();
    this.dirty.clear();
    for (const id of this.allIds()) this.dirty.add(id);
  }

  /**
   * The plans at `at`: the schedules inside a window (id → plan), and the earliest boundary of any schedule
   * (null when none has one). Also returns how many schedules were planned afresh: the pass does not report it;
   * the spec reads it to check that a look plans only the schedules that are due or changed.
   */
  look(at: Date): { inWindow: ReadonlyMap<string, Plan>; nextBoundary: Date | null; planned: number } {
    const t = at.getTime();
    if (t < this.lastAt) this.reset();
    this.lastAt = t;
    while (this.heap.length > 0 && this.heap[0].until <= t) {
      const entry = this.pop();
      if (this.plans.get(entry.id) === entry.seq) this.dirty.add(entry.id);
    }
    const planned = this.dirty.size;
    for (const id of this.dirty) this.plan(id, at);
    this.dirty.clear();
    if (this.heap.length > 2 * this.plans.size + 1024) this.compact();
    while (this.heap.length > 0 && this.plans.get(this.heap[0].id) !== this.heap[0].seq) this.pop();
    return { inWindow: this.inWindow, nextBoundary: this.heap.length > 0 ? new Date(this.heap[0].until) : null, planned };
  }

  private plan(id: string, at: Date): void {
    const schedule = this.lookup(id);
    if (!schedule) {
      this.plans.delete(id);
      this.inWindow.delete(id);
      return;
    }
    const plan = schedule.planAt(at);
    schedule.forgetPlan();
    const seq = ++this.seq;
    this.plans.set(id, seq);
    if (plan.current) this.inWindow.set(id, plan);
    else this.inWindow.delete(id);
    if (plan.nextBoundary) this.push({ until: plan.nextBoundary.getTime(), id, seq });
  }

  /** Drops stale entries (of plans replaced before their boundary) once they outnumber the live ones. */
  private compact(): void {
    const live = this.heap.filter((entry) => this.plans.get(entry.id) === entry.seq);
    this.heap.length = 0;
    for (const entry of live) this.push(entry);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].until <= entry.until) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Entry;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right].until < heap[left].until ? right : left;
        if (heap[child].until >= last.until) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
