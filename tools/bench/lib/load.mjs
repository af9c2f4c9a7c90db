// An open-loop, constant-rate HTTP load: request i is due at start + i / rate, whether or not earlier ones have
// answered, and its latency counts from that due instant (so a stalled server or a late sender shows in the figures:
// no coordinated omission). This is what "p99 at 500 requests/s" means; autocannon's rate limit instead lets each
// connection send its quota for the second back to back at the top of each second, and its coordinated-omission
// correction assumes a 1 ms interval below 1000 req/s per connection, so its percentiles at a set rate describe
// bursts at full speed.
//
// The generator reads its answers straight off keep-alive sockets into one buffer per connection, reused for every
// read (`net.connect`'s `onread`), and counts their bytes without keeping them. An HTTP client that hands each answer
// over as new Buffers (undici's did, 55 KB per page of 50 schedules) fills V8's external memory at 55 MB/s at
// 1,000 req/s, and V8 answers with a full collection of the generator's heap every 250 ms or so, pausing it up to
// 24 ms: a late send charged to the server under test. Against a bare node:http server, that alone made a p99 of
// 9–21 ms; this reader makes none of that garbage (the floor figure in docs/benchmarks.md shows what is left).
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { max, percentile } from './stats.mjs';

/** Bytes of one answer's status line and headers this reader accepts; a longer head fails the request. */
const MAX_HEAD_BYTES = 16 * 1024;
const READ_BUFFER_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/** How long the run waits, after its last request is due, for the answers still out; those not in by then failed. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Sends GET `url` (plain http) at `rate` requests per second for `seconds`, over up to `connections` keep-alive
 * connections, one request at a time on each. Returns the latencies (ms, from the due instant to the last body byte)
 * and the failures. Answers must be framed by Content-Length, as Node's servers frame a body sent whole; any other
 * framing (chunked) counts as a failed request, as does a socket error, a connection closed mid-answer, or no answer
 * within `answerTimeoutMs` of the last request's due instant.
 */
export async function constantRate({ url, rate, seconds, headers = {}, connections = 64, answerTimeoutMs = ANSWER_TIMEOUT_MS }) {
  const target = new URL(url);
  if (target.protocol !== 'http:') throw new Error(`constantRate speaks plain HTTP only, not ${target.protocol}`);
  const request = Buffer.from(
    [
      `GET ${target.pathname}${target.search} HTTP/1.1`,
      `Host: ${target.host}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const latencies = new Float64Array(total);
  const stats = { completed: 0, errors: 0, non2xx: 0 };
  const idle = [];
  const open = new Set();
  const waiting = []; // due instants of requests no connection was free for, oldest first
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));
  const answered = () => stats.completed + stats.errors + stats.non2xx;

  const finish = (dueAt, outcome) => {
    if (outcome === 'ok') latencies[stats.completed++] = performance.now() - dueAt;
    else stats[outcome]++;
    if (answered() === total) settle();
  };
  const dispatch = (dueAt) => {
    const connection = idle.pop() ?? (open.size < connections ? openConnection() : undefined);
    if (connection) connection.send(dueAt);
    else waiting.push(dueAt);
  };
  const release = (connection) => {
    if (waiting.length > 0) connection.send(waiting.shift());
    else idle.push(connection);
  };
  const openConnection = () => {
    const connection = new Connection(target, request, {
      answered: (c, dueAt, status) => {
        finish(dueAt, status >= 200 && status <= 299 ? 'ok' : 'non2xx');
        release(c);
      },
      failed: (c, dueAt) => {
        open.delete(c);
        const i = idle.indexOf(c);
        if (i >= 0) idle.splice(i, 1);
        if (dueAt !== undefined) finish(dueAt, 'errors');
        // A request left waiting gets a new connection in place of this one.
        if (waiting.length > 0) dispatch(waiting.shift());
      },
    });
    open.add(connection);
    return connection;
  };

  let lateSendMs = 0;
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) {
      const dueAt = start + next * intervalMs;
      lateSendMs = Math.max(lateSendMs, now - dueAt);
      dispatch(dueAt);
      next++;
    }
    // Wake for the next due request; timers fire no sooner than 1 ms, and a late wake is charged to the request.
    if (next < total) await sleep(Math.max(0, start + next * intervalMs - performance.now()));
  }
  if (total > 0) await Promise.race([settled, sleep(answerTimeoutMs, undefined, { ref: false })]);
  const durationS = (performance.now() - start) / 1000;
  for (const connection of open) connection.close();
  stats.errors += total - answered(); // still out when the run gave up on them

  const measured = latencies.subarray(0, stats.completed);
  const round = (ms) => Number(ms.toFixed(2));
  return {
    requests: total,
    completed: stats.completed,
    durationS,
    achievedRate: stats.completed / durationS,
    errors: stats.errors,
    non2xx: stats.non2xx,
    maxSendLagMs: round(lateSendMs),
    latencyMs: {
      p50: round(percentile(measured, 50)),
      p90: round(percentile(measured, 90)),
      p99: round(percentile(measured, 99)),
      max: round(measured.length > 0 ? max(measured) : NaN),
      mean: round(measured.reduce((sum, v) => sum + v, 0) / Math.max(1, measured.length)),
    },
  };
}

/**
 * One keep-alive connection carrying one request at a time: it writes the request's bytes and reads the answer's
 * head (status line and headers) into `head`, then counts down its Content-Length. The socket reads into one buffer
 * of its own (`onread`), the same bytes every time, so an answer's body is never copied or kept.
 */
class Connection {
  #socket;
  #events;
  #request;
  #head = Buffer.alloc(MAX_HEAD_BYTES);
  #headLength = 0;
  #bodyLeft = -1; // -1 while reading the head
  #status = 0;
  #dueAt; // of the request in flight, undefined when idle
  #broken = false;

  constructor(target, request, events) {
    this.#request = request;
    this.#events = events;
    this.#socket = connect({
      host: target.hostname,
      port: Number(target.port || 80),
      noDelay: true,
      onread: { buffer: Buffer.alloc(READ_BUFFER_BYTES), callback: (length, buffer) => void this.#read(buffer, length) },
    });
    this.#socket.on('error', () => this.#fail());
    this.#socket.on('close', () => this.#fail());
  }

  send(dueAt) {
    this.#dueAt = dueAt;
    this.#headLength = 0;
    this.#bodyLeft = -1;
    this.#socket.write(this.#request);
  }

  close() {
    this.#broken = true;
    this.#socket.destroy();
  }

  #read(buffer, length) {
    if (this.#dueAt === undefined) return this.#fail(); // bytes nobody asked for
    let offset = 0;
    if (this.#bodyLeft < 0) {
      const take = Math.min(length, MAX_HEAD_BYTES - this.#headLength);
      buffer.copy(this.#head, this.#headLength, 0, take);
      const searchFrom = Math.max(0, this.#headLength - 3);
      this.#headLength += take;
      const end = this.#head.subarray(0, this.#headLength).indexOf(HEAD_END, searchFrom);
      if (end < 0) return this.#headLength === MAX_HEAD_BYTES ? this.#fail() : undefined;
      if (!this.#parseHead(this.#head.toString('latin1', 0, end))) return this.#fail();
      offset = take - (this.#headLength - end - HEAD_END.length);
    }
    this.#bodyLeft -= length - offset;
    if (this.#bodyLeft < 0) return this.#fail(); // more bytes than the answer's Content-Length
    if (this.#bodyLeft === 0) {
      const dueAt = this.#dueAt;
      this.#dueAt = undefined;
      this.#events.answered(this, dueAt, this.#status);
    }
  }

  /** Reads the status and the body's length from the head; false when the answer is not framed by Content-Length. */
  #parseHead(head) {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    const length = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?:\r\n|$)/i.exec(head);
    if (!status || !length || /\r\ntransfer-encoding:/i.test(head)) return false;
    this.#status = Number(status[1]);
    this.#bodyLeft = Number(length[1]);
    return true;
  }

  #fail() {
    if (this.#broken) return;
    this.#broken = true;
    this.#socket.destroy();
    const dueAt = this.#dueAt;
    this.#dueAt = undefined;
    this.#events.failed(this, dueAt);
  }
}
