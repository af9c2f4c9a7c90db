// An open-loop, constant-rate HTTP load: request i is due at start + i / rate, whether or not earlier ones have
// answered, and its latency counts from that due instant (so a stalled server or a late sender shows in the figures:
// no coordinated omission). This is what "p99 at 500 requests/s" means; autocannon's rate limit instead lets each
// connection send its quota for the second back to back at the top of each second, and its coordinated-omission
// correction assumes a 1 ms interval below 1000 req/s per connection, so its percentiles at a set rate describe
// bursts at full speed.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { max, percentile } from './stats.mjs';

/**
 * Sends GET `url` at `rate` requests per second for `seconds`, over a keep-alive pool of up to `connections`.
 * Returns every latency (ms, from the due instant to the last body byte) and the failures.
 */
export async function constantRate({ url, rate, seconds, headers = {}, connections = 64 }) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const path = `${target.pathname}${target.search}`;
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const latencies = [];
  let errors = 0;
  let non2xx = 0;
  let lateSendMs = 0;
  const inFlight = new Set();

  const send = (dueAt) => {
    const request = pool
      .request({ method: 'GET', path, headers })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
        else latencies.push(performance.now() - dueAt);
      })
      .catch(() => errors++)
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) {
      const dueAt = start + next * intervalMs;
      lateSendMs = Math.max(lateSendMs, now - dueAt);
      send(dueAt);
      next++;
    }
    // Wake for the next due request; timers fire no sooner than 1 ms, and a late wake is charged to the request.
    if (next < total) await sleep(Math.max(0, start + next * intervalMs - performance.now()));
  }
  await Promise.all(inFlight);
  const durationS = (performance.now() - start) / 1000;
  await pool.close();

  const round = (ms) => Number(ms.toFixed(2));
  return {
    requests: total,
    completed: latencies.length,
    durationS,
    achievedRate: latencies.length / durationS,
    errors,
    non2xx,
    maxSendLagMs: round(lateSendMs),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.length > 0 ? max(latencies) : NaN),
      mean: round(latencies.reduce((sum, v) => sum + v, 0) / Math.max(1, latencies.length)),
    },
  };
}
