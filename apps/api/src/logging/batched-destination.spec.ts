import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../testing/eventually';
import { batchedDestination, type BatchedDestination } from './batched-destination';

describe('batchedDestination', () => {
  let dir: string;
  let file: string;
  let stream: BatchedDestination;
  /** The writes the stream made to its file, in bytes each (sonic-boom reports each one). */
  let writes: number[];

  const open = (minBytes: number, flushMs: number): void => {
    stream = batchedDestination({ dest: file, minBytes, flushMs });
    // This stream's own list: a write of the test before can still be reported after it.
    const reported: number[] = [];
    writes = reported;
    stream.on('write', (n: number) => reported.push(n));
  };
  const content = (): string => readFileSync(file, 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'peak-log-'));
    file = join(dir, 'log');
  });

  afterEach(() => {
    stream.flushSync();
    stream.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds short lines and writes them together once the flush time has passed', async () => {
    open(4096, 30);
    await new Promise((resolve) => stream.once('ready', resolve));
    stream.write('{"a":1}\n');
    stream.write('{"b":2}\n');
    expect(content()).toBe('');

    await eventually(() => writes.length > 0, 'a write');
    expect(writes[0]).toBe(16);
    expect(content()).toBe('{"a":1}\n{"b":2}\n');
  });

  it('writes as soon as the lines held reach the batch size, without waiting for the timer', async () => {
    // A flush time no test waits for: only the size can have written the batch.
    open(64, 60_000);
    await new Promise((resolve) => stream.once('ready', resolve));
    const line = `${JSON.stringify({ msg: 'x'.repeat(40) })}\n`;
    stream.write(line);
    expect(content()).toBe('');
    stream.write(line);

    await eventually(() => content() === line + line, 'the two lines, written by size');
  });

  it('does no work while nothing is logged: the timer stops one turn after the last line', async () => {
    const flushMs = 20;
    open(4096, flushMs);
    await new Promise((resolve) => stream.once('ready', resolve));
    stream.write('{"last":true}\n');
    // Its write reported, not only seen in the file: the count below starts after it.
    await eventually(() => writes[0] === 14, 'the write of the line');
    const settled = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 15 * flushMs));

    // The timer's one extra turn after the line may make one empty write, and no more; sonic-boom's own periodic
    // flush would have made about 15 by now.
    expect(writes.length - settled).toBeLessThanOrEqual(1);
    expect(content()).toBe('{"last":true}\n');
  });

  it('arms its timer again for lines that come after it stopped', async () => {
    open(4096, 20);
    await new Promise((resolve) => stream.once('ready', resolve));
    stream.write('{"n":1}\n');
    await eventually(() => content() === '{"n":1}\n', 'the first line');
    await new Promise((resolve) => setTimeout(resolve, 100));

    stream.write('{"n":2}\n');
    await eventually(() => content() === '{"n":1}\n{"n":2}\n', 'the line logged after the pause');
  });
});
