import { fieldSet } from '../database/bulk-insert';
import type { SlotUpdate } from '../runs/runs.repository';

interface Waiting {
  readonly row: SlotUpdate;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The executor's slot writes, grouped: the writes asked for during one turn of the event loop go out together, one
 * statement for each set of fields (the outcomes of creates answered in the same turn, the intents of retries),
 * instead of one statement each. New slots' intents do not come here: `CreateIntents` writes them by chunk. Each
 * caller still waits for its own row: a retry's intent is on the database before its `POST /servers` is sent. A
 * statement that fails fails each write in it.
 *
 * One batch is written at a time: the writes asked for while a batch is on its way go out together right after it
 * (during a window's burst of creates, one statement per database round trip rather than one per answer).
 *
 * Two writes to the same slot in one turn go out one after the other, in the order asked (the executor never does
 * that: a slot's writes follow its own cloud call).
 *
 * `gatherMs`: for writes nothing waits on but the end of the pass (the outcomes of creates), each batch gathers for
 * that long before it goes out, and so does the next after it: a burst of creates then costs one statement per
 * `gatherMs` instead of one per round trip.
 */
export class SlotWrites {
  private waiting: Waiting[] = [];
  /** A batch is due or on its way: new writes wait for the next one. */
  private busy = false;

  constructor(
    private readonly send: (rows: readonly SlotUpdate[]) => Promise<void>,
    private readonly gatherMs = 0,
  ) {}

  write(row: SlotUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      // After the turn's other callbacks (or `gatherMs`): the creates answered meanwhile join this write.
      void this.gather().then(() => this.flush());
    });
  }

  private gather(): Promise<void> {
    return new Promise((resolve) => (this.gatherMs > 0 ? setTimeout(resolve, this.gatherMs) : setImmediate(resolve)));
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        for (const group of statements(batch))
          await this.send(group.map((w) => w.row)).then(
            () => group.forEach((w) => w.resolve()),
            (error: unknown) => group.forEach((w) => w.reject(error)),
          );
        if (this.gatherMs > 0 && this.waiting.length > 0) await this.gather();
      }
    } finally {
      this.busy = false;
    }
  }
}

/**
 * The batch as statements, in order: each the writes of the same fields, a slot at most once in each. A write whose
 * slot is already in an earlier group starts the groups over after it, so the later write goes out later.
 */
function statements(batch: readonly Waiting[]): Waiting[][] {
  const done: Waiting[][] = [];
  let groups = new Map<string, Waiting[]>();
  let slots = new Set<string>();
  for (const waiting of batch) {
    if (slots.has(waiting.row.id)) {
      done.push(...groups.values());
      groups = new Map();
      slots = new Set();
    }
    slots.add(waiting.row.id);
    const fields = fieldSet(waiting.row);
    const group = groups.get(fields);
    if (group) group.push(waiting);
    else groups.set(fields, [waiting]);
  }
  done.push(...groups.values());
  return done;
}
