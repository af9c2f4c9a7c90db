// Child processes of the benchmark (simulator, API): started from the built apps, watched, stopped, measured.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { max } from './stats.mjs';

/** A free TCP port on the loopback interface (the OS picks it; we close before the child binds). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node <script>` with its output in `logFile`. The child is `node` itself (no npm/npx wrapper), so its pid
 * is the process whose memory we measure.
 */
export function startNode(name, script, env, logFile) {
  const out = createWriteStream(logFile, { flags: 'w' });
  // BENCH_NODE_ARGS: extra Node flags for the started apps, e.g. "--cpu-prof --cpu-prof-dir=tmp/prof" to profile them.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const proc = { name, child, logFile, exited: false, exitCode: null };
  child.once('exit', (code, signal) => {
    proc.exited = true;
    proc.exitCode = signal ?? code;
  });
  return proc;
}

/** Waits until `url` answers `okStatus`, failing early when the process died. */
export async function waitForHttp(proc, url, { okStatus = 200, timeoutMs = 120_000, headers = {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.exited) throw new Error(`${proc.name} exited (${proc.exitCode}) before ${url} answered; see ${proc.logFile}`);
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      if (res.status === okStatus) return;
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(200);
  }
  throw new Error(`${proc.name}: ${url} did not answer ${okStatus} within ${timeoutMs / 1000} s (last: ${last}); see ${proc.logFile}`);
}

export async function stopProcess(proc, timeoutMs = 15_000) {
  if (!proc || proc.exited) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!stopped) proc.child.kill('SIGKILL');
}

/** Resident set size of a process in bytes, from /proc (what `ps` shows as RSS). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Samples the RSS of `pid` every `intervalMs` until `stop()`; returns the samples in bytes. */
export function sampleRss(pid, intervalMs = 200) {
  const samples = [];
  const take = () => {
    try {
      samples.push(rssBytes(pid));
    } catch {
      // the process is gone; the caller notices elsewhere
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  const marks = [];
  return {
    samples,
    /** Ends a phase of the load: `maxByPhase` gives the largest sample of each. */
    mark(phase) {
      take();
      marks.push({ phase, end: samples.length });
    },
    maxByPhase() {
      return marks.map(({ phase, end }, i) => ({ phase, bytes: max(samples.slice(i === 0 ? 0 : marks[i - 1].end, end)) }));
    },
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Busy CPU time of the whole machine so far (all cores, idle and iowait excluded), in seconds, from /proc/stat. */
export function machineBusySeconds() {
  // The first line adds up every core: user nice system idle iowait irq softirq steal ..., in clock ticks of 10 ms.
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/**
 * Reads the CPU time of the machine and of each named set of processes every `intervalMs` until `stop()`. A set is
 * a list of pids, or a function listing them, asked again every `listEveryMs` (for processes that come and go, such
 * as PostgreSQL backends). `between(from, to)` gives what each set used between the samples nearest those instants,
 * with the span actually covered: a process first seen after `from` counts from its start.
 */
export function sampleCpu(sets, { intervalMs = 50, listEveryMs = 250 } = {}) {
  const samples = [];
  const lists = {};
  let listedAt = -Infinity;
  const take = () => {
    const at = Date.now();
    if (at - listedAt >= listEveryMs) {
      for (const [name, set] of Object.entries(sets)) lists[name] = typeof set === 'function' ? set() : set;
      listedAt = at;
    }
    const sample = { at, machine: machineBusySeconds(), byPid: {} };
    for (const [name, pids] of Object.entries(lists)) sample.byPid[name] = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
    samples.push(sample);
  };
  take();
  const timer = setInterval(take, intervalMs);
  const nearest = (at) => samples.reduce((best, s) => (Math.abs(s.at - at) < Math.abs(best.at - at) ? s : best));
  return {
    stop() {
      clearInterval(timer);
      take();
    },
    between(from, to) {
      const [a, b] = [nearest(from), nearest(to)];
      const used = { machine: Math.max(0, b.machine - a.machine) };
      for (const [name, pids] of Object.entries(b.byPid)) {
        let sum = 0;
        // A process that ended in between reads 0 s at `b`: never a negative share.
        for (const [pid, seconds] of pids) sum += Math.max(0, seconds - (a.byPid[name]?.get(pid) ?? 0));
        used[name] = sum;
      }
      return { fromMs: a.at, toMs: b.at, spanMs: b.at - a.at, used };
    },
  };
}

/**
 * The processes of the local PostgreSQL server serving `database`, from their titles ("postgres: 15/main: user
 * database host(port) state"): listing them asks nothing of the server, unlike `pg_stat_activity`.
 */
export function postgresBackends(database) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (title.startsWith('postgres: ') && title.includes(` ${database} `)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (clock ticks of 10 ms on Linux). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // the process has gone
  }
}
