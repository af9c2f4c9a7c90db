import pino from 'pino';

/** What {@link batchedDestination} returns: pino's own destination stream (sonic-boom), with its writes batched. */
export type BatchedDestination = ReturnType<typeof pino.destination>;

export interface BatchOptions {
  /** Where lines go: a file descriptor (1 for stdout) or a path. */
  readonly dest: number | string;
  /** Lines are held until this many bytes are due... */
  readonly minBytes: number;
  /** ...or until this long after the first line held, whichever comes first. */
  readonly flushMs: number;
}

/** Ended (at exit) or destroyed: sonic-boom's own public flag, which its typings leave out. */
const isDestroyed = (stream: BatchedDestination): boolean => (stream as { destroyed?: boolean }).destroyed === true;

/**
 * pino's destination with its lines written in batches: held until `minBytes` are due (sonic-boom's `minLength`), or
 * written by a timer `flushMs` after a line comes. The timer is armed by a write and runs once more after the last
 * one, so an idle process does no work for its log. (sonic-boom's own `periodicFlush` would write every `flushMs`,
 * an empty write when nothing is held, as long as the process lives.)
 *
 * A flush that falls while an earlier batch is still being written does nothing (sonic-boom's rule); the timer's one
 * extra turn after the last line writes what that left (or the next line's timer does, should that write still be
 * under way then). On exit, however it comes (but not a SIGKILL), pino writes what is still held: this is still the
 * stream `pino.destination` made and registered for that.
 */
export function batchedDestination({ dest, minBytes, flushMs }: BatchOptions): BatchedDestination {
  const stream = pino.destination({ dest, sync: false, minLength: minBytes });
  const write = stream.write.bind(stream);
  let timer: NodeJS.Timeout | undefined;
  /** Lines came since the timer last fired. */
  let fresh = false;
  const fire = (): void => {
    timer = undefined;
    if (isDestroyed(stream)) return;
    stream.flush();
    if (fresh) {
      fresh = false;
      arm();
    }
  };
  const arm = (): void => {
    timer = setTimeout(fire, flushMs);
    timer.unref();
  };
  stream.write = (line: string): boolean => {
    fresh = true;
    if (!timer) arm();
    return write(line);
  };
  return stream;
}
