#!/usr/bin/env node
// `npm run bench`: builds the API and the simulator, starts both from dist/ on a fresh database of the local
// PostgreSQL, runs the scenarios of docs/benchmarks.md, prints the table and rewrites that file.
// Everything listens on 127.0.0.1 on ephemeral ports; nothing is sent anywhere else.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { API_PROCESS_ENV } from '../api-env.mjs';
import { ApiClient } from './lib/api.mjs';
import { keystoneLogin, pickBootReferences } from './lib/openstack.mjs';
import { freePort, postgresBackends, startNode, stopProcess, waitForHttp } from './lib/processes.mjs';
import { BENCH_NETWORK, benchApiEnv, startSimulator } from './lib/stack.mjs';
import { describeMachine, renderTable, verdict } from './lib/report.mjs';
import { dispatchPrecision, fanOut, idleMemory, scale, scaleTenfold, THROUGHPUT_ROUNDS, THROUGHPUT_SECONDS } from './scenarios.mjs';

const require = createRequire(import.meta.url);
const postgres = require('../../libs/testing/src/postgres.cjs');

const USAGE = `npm run bench [-- options]

  --skip-build        use the apps already in dist/ (default: build api and openstack-sim first)
  --vms N             VMs of the fan-out scenario (default 100)
  --schedules N       schedules of the scale scenario (default 10000; scale10x takes ten times as many)
  --load-seconds N    length of the measured GET /v1/schedules run (default 20)
  --settle-seconds N  wait before measuring idle memory (default 10)
  --dispatch LIST     comma-separated schedule counts of the dispatch scenario (default 50,500)
  --only LIST         comma-separated scenarios to run: memory,fanout,dispatch,scale,scale10x (default all)
  --smoke             every scenario at a tiny size with about 10 s of measuring in all (what npm test runs):
                      the table is printed, targets are not enforced, and it fails only when a figure could not
                      be measured
  --out FILE          where to write the report ("-" for none; default docs/benchmarks.md for a full run with the
                      default sizes, none otherwise, so a partial run never replaces the published figures)

Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
BENCH_NODE_ARGS adds Node flags to the apps it starts (e.g. "--cpu-prof --cpu-prof-dir=tmp/prof" to profile them).`;

const { values: args } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    vms: { type: 'string', default: '100' },
    schedules: { type: 'string', default: '10000' },
    'load-seconds': { type: 'string', default: '20' },
    'settle-seconds': { type: 'string', default: '10' },
    dispatch: { type: 'string', default: '50,500' },
    only: { type: 'string', default: 'memory,fanout,dispatch,scale,scale10x' },
    smoke: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const options = {
  vms: Number(args.vms),
  schedules: Number(args.schedules),
  loadSeconds: Number(args['load-seconds']),
  settleSeconds: Number(args['settle-seconds']),
  dispatch: args.dispatch,
  only: new Set(args.only.split(',').map((s) => s.trim())),
  // Lengths of the fixed parts of the runs; only the smoke run shortens them.
  sampleSeconds: 5,
  warmupSeconds: 5,
  throughputSeconds: THROUGHPUT_SECONDS,
  throughputRounds: THROUGHPUT_ROUNDS,
  planningPasses: 2,
  smoke: args.smoke,
};
if (args.smoke) {
  Object.assign(options, {
    vms: 3,
    schedules: 30,
    loadSeconds: 1,
    settleSeconds: 1,
    dispatch: '3',
    sampleSeconds: 1,
    warmupSeconds: 1,
    throughputSeconds: 1,
    throughputRounds: 1,
    planningPasses: 1,
  });
}
options.dispatchCounts = options.dispatch.split(',').map((s) => Number(s.trim()));
if (options.dispatchCounts.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--dispatch: counts of schedules, got ${options.dispatch}`);
const DEFAULTS = { vms: 100, schedules: 10000, loadSeconds: 20, settleSeconds: 10, dispatch: '50,500' };
const ALL_SCENARIOS = ['memory', 'fanout', 'dispatch', 'scale', 'scale10x'];
const fullRun =
  !options.smoke && ALL_SCENARIOS.every((s) => options.only.has(s)) && Object.entries(DEFAULTS).every(([k, v]) => options[k] === v);
const out = args.out ?? (fullRun ? 'docs/benchmarks.md' : '-');

const ARTIFACTS = 'tmp/bench';
const started = new Date();
const log = (message) => console.log(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(1).padStart(6)} s] ${message}`);

let sim;
let api;
let db;
/** Set once the processes are being stopped (a signal or the end): every caller waits for the same clean-up. */
let cleaning;

function cleanUp() {
  cleaning ??= (async () => {
    await stopProcess(api);
    await stopProcess(sim);
    await db?.drop().catch((error) => log(`could not drop ${db.name}: ${error.message}`));
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanUp().then(() => process.exit(130));
  });
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Every figure is a time or a size on a shared 2-core machine: say how busy it was.
  const loadBefore = loadavg()[0].toFixed(2);
  if (Number(loadBefore) > cpus().length / 2)
    log(`the machine is busy (load average ${loadBefore}): figures will be worse than on a quiet machine`);
  const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  if (!args['skip-build']) {
    log('building api and openstack-sim');
    const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'openstack-sim', '--outputStyle=static'], {
      stdio: 'inherit',
      env: nxEnv,
    });
    if (build.status !== 0) throw new Error('build failed');
  }

  const adminUrl = postgres.adminUrl();
  if (!(await postgres.canConnect(adminUrl)))
    throw new Error(`no PostgreSQL at ${adminUrl}: the benchmark runs on a real server (set TEST_DATABASE_URL)`);
  db = await postgres.createTestDatabase({ adminUrl, embedded: false }, 'bench');
  const postgresVersion = await postgres.withClient(adminUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
  log(`database ${db.name} on PostgreSQL ${postgresVersion}`);

  const simulator = await startSimulator(ARTIFACTS, { SIM_BUILD_DELAY_MS: '2000' });
  sim = simulator.proc;
  const { url: simUrl, control: simControl } = simulator;
  // A log long enough for every scenario.
  await simControl.configure({ requestLogLimit: 200_000 });
  log(`simulator on ${simUrl}`);

  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const apiEnv = {
    ...benchApiEnv({ port: apiPort, databaseUrl: db.url, simUrl }),
    // The fan-out scenario asks for 100 VMs in one window; the product's default ceiling is 50.
    SCHEDULER_MAX_INSTANCE_COUNT: String(Math.max(options.vms, 50)),
  };
  let apiStarts = 0;
  const startApi = async () => {
    apiStarts++;
    const logFile = `${ARTIFACTS}/api${apiStarts > 1 ? `-${apiStarts}` : ''}.log`;
    const spawnedAt = Date.now();
    api = startNode('api', 'dist/apps/api/main.js', apiEnv, logFile);
    await waitForHttp(api, `${apiUrl}/v1/health/ready`, { timeoutMs: 120_000 });
    api.readyAfterMs = Date.now() - spawnedAt;
    log(`API on ${apiUrl} (ready ${api.readyAfterMs} ms after its start; its JSON log is in ${logFile})`);
    return api;
  };
  await startApi();

  // The API will require a Keystone token on /v1 (issue 9); the benchmark sends one from the start.
  const keystone = await keystoneLogin(`${simUrl}/identity/v3`);
  const refs = await pickBootReferences(keystone.catalog, keystone.token, BENCH_NETWORK.name);
  const ctx = {
    options,
    log,
    sim: simControl,
    keystone,
    refs,
    api: new ApiClient(apiUrl, keystone.token),
    apiProc: api,
    simProc: sim,
    artifacts: ARTIFACTS,
    details: {},
  };
  // The PostgreSQL server processes serving the API's connections (to count their CPU during a load run).
  ctx.databaseBackends = () =>
    postgres.withClient(adminUrl, async (c) =>
      (await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [db.name])).rows.map((r) => r.pid),
    );
  // The same, read from the process titles: for sampling every few hundred milliseconds without asking the server.
  ctx.localBackends = () => postgresBackends(db.name);
  ctx.sql = (text, params) => postgres.withClient(db.url, async (c) => (await c.query(text, params)).rows);
  // A fresh API process on the same database, as after a deployment (the scale scenario's data is seeded first).
  ctx.restartApi = async () => {
    await stopProcess(api);
    ctx.apiProc = await startApi();
  };

  const rows = [];
  const runIf = async (name, scenario) => {
    if (!options.only.has(name)) return;
    try {
      rows.push(...(await scenario(ctx)));
    } catch (error) {
      log(`${name} failed: ${error.stack ?? error.message}`);
      rows.push({
        scenario: name,
        figure: `${name} scenario`,
        target: '',
        measured: 'error',
        pass: false,
        note: error.message.slice(0, 160),
      });
    }
  };
  await runIf('memory', idleMemory);
  await runIf('fanout', fanOut);
  await runIf('dispatch', dispatchPrecision);
  await runIf('scale', scale);
  await runIf('scale10x', scaleTenfold);
  rows.sort((a, b) => String(a.scenario).localeCompare(String(b.scenario)));

  const machine = { ...describeMachine(postgresVersion), loadBefore, loadAfter: loadavg()[0].toFixed(2) };
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  console.log(`\n${renderTable(rows)}\n`);
  console.log(`machine: ${machine.summary}; load average ${machine.loadBefore} before, ${machine.loadAfter} after`);
  if (cleaning) {
    // Interrupted: the scenarios running then failed for that reason, not the product's; publish nothing.
    log('interrupted: no report written');
  } else if (out !== '-') {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, renderReport({ rows, details: ctx.details, machine, command, started, finished: new Date() }));
    log(`wrote ${out}`);
  } else if (args.out === undefined) {
    log('a partial run: docs/benchmarks.md left as it is (--out FILE writes this report)');
  }
  return rows;
}

function renderReport({ rows, details, machine, command, started, finished }) {
  const md = (text) => String(text).replace(/\|/g, '\\|');
  const nonDefault = Object.entries(DEFAULTS).filter(([k, v]) => options[k] !== v);
  const imageEnv = Object.entries(API_PROCESS_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `# Benchmarks

Produced by \`${command}\` (see the README's *Benchmarks* section); rewritten by every run. Real measurements of one
run: the API and the OpenStack simulator run from \`dist/\` as separate processes on 127.0.0.1, the API on a fresh
database of the local PostgreSQL, with the product's default settings (engine concurrency, poll interval, log level
\`info\`) except \`SCHEDULER_MAX_INSTANCE_COUNT\`, raised to the fan-out's VM count, and with the environment its image
sets (\`tools/api-env.json\`: \`${imageEnv}\`).

- **Run**: ${started.toISOString()} to ${finished.toISOString()}${nonDefault.length ? ` (non-default options: ${nonDefault.map(([k]) => `${k}=${options[k]}`).join(', ')})` : ''}
- **Machine**: ${machine.cpu}, ${machine.memory} RAM, ${machine.os}
- **Software**: Node ${machine.node}, PostgreSQL ${machine.postgres}, commit ${machine.commit}
- **Load average** (1 min) before the run: ${machine.loadBefore}, after: ${machine.loadAfter}

| # | figure | target | measured | result | note |
| --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.scenario} | ${md(r.figure)} | ${md(r.target || '—')} | ${md(r.measured)} | ${verdict(r.pass)} | ${md(r.note || '')} |`).join('\n')}

## How each figure is measured

1. **Dispatch precision.** For each count (${options.dispatchCounts.join(' and ')}): that many schedules, one VM each, whose
   one-off window starts at the same whole second (lead time 0), created through \`POST /v1/schedules\` 8 at a time
   before it (15 s before, or 60 ms per schedule when that is longer). The delay of each VM is the simulator's receipt
   time of its \`POST /servers\` (its request log, ms timestamps) minus the planned instant. Nearest-rank percentiles
   over the delays; every schedule must have got a VM that is not in ERROR (counted by the schedule tag on the
   simulator's servers). The VMs boot on a /20 network seeded for the benchmark: until 2026-12-07 they booted on the
   simulator's default /24 (251 addresses), so that about half of the 500 went to ERROR for want of an address, and
   were counted as served all the same. The note also counts every \`POST /servers\` of these schedules, the
   teardown's included: more than one per schedule is a VM made twice (or replaced).
   The benchmark asks the simulator for its log only from 500 ms after the instant on, so that its own requests stay
   off the cores during the first half second of the burst (before 2026-12-07 it polled every 250 ms throughout).
   The CPU row reads, every 50 ms from \`/proc\`, the busy time of the whole machine and the CPU time of the API, of
   the simulator and of the PostgreSQL backends of the API's connections, and gives what each used between the
   samples nearest the instant and the last create, beside what the machine's cores could give in that span. The
   backends are listed from their process titles every 250 ms, so one the API opens during the burst counts from its
   start (earlier runs listed them once, up to 20 s before the instant, and missed one opened later).
   Then all of them are deleted during their window (\`DELETE /v1/schedules/{id}\`, 8 at a time): the teardown row
   gives the time from the first DELETE until the simulator has none of their VMs left, and until the database has
   none of the schedules left (the engine closes their runs, then removes them). The next scenario starts after that.
2. **Fan-out.** 300 ms of added latency on every Nova call and a 2 s build time in the simulator. Our engine: one
   schedule of ${options.vms} VMs starting 5 s after it is created; the time is from the planned start to the moment the last VM
   turned ACTIVE (the simulator's \`buildDoneAt\`). The schedule is then deleted, and the sequential loop starts once its
   VMs and the schedule itself are gone (both times in the note). Sequential: the loop the seed ran (in \`tools/bench/lib/openstack.mjs\`),
   straight against Nova: create one VM, poll it every 250 ms until ACTIVE, then the next; the time is from its first
   request to the last VM seen ACTIVE.
3. **Scale.** ${options.schedules.toLocaleString('en')} schedules: the first 2,000 created through the API (half one-off windows, half weekday
   cron series, all a month ahead; the create rate is in the raw figures), the others copies of those made in SQL in
   one statement (every column but the id and the name, a one-off window moved whole days later), because seeding
   through the API is quadratic (each save checks the project's capacity against all its schedules). Then the API is
   restarted on that database, as after a deployment (seeding swells V8's heap, which it returns only slowly; the RSS
   after seeding is in the raw figures). Start-up to ready is
   that restart: from the process's spawn to the first 200 of \`/v1/health/ready\` (polled every 200 ms; ready means the
   database, the cloud and both managed flavors answered). The planning pass is the engine's own \`peak_engine_planning_seconds\` histogram read from
   \`/metrics\`: the first pass over every schedule (\`peak_engine_planned_schedules\`) after the restart, which plans
   all of them, on its own row; the figure with the target is the mean of the ${options.planningPasses} passes after it, what a pass
   costs while the engine runs (it plans again only the schedules whose plan ran out or that changed). The list is
   \`GET /v1/schedules?limit=50\` (with a Keystone token, as a console sends it) at a constant 500 requests/s for
   ${options.loadSeconds} s after ${options.warmupSeconds} s of warm-up, then at 1,000 requests/s for as long, open loop (\`tools/bench/lib/load.mjs\`): request *i* is due at *i* / rate
   whether or not earlier ones have answered, over a keep-alive pool, and its latency runs from that due instant to its
   last byte, so neither a stall nor a late sender is hidden. The generator reads each answer off its socket into one
   buffer per connection, reused, and keeps none of it: with an HTTP client that handed over every answer as new
   Buffers (undici, until 2026-12-07), 55 MB/s of them at 1,000 requests/s made V8 collect the generator's whole heap
   about every 250 ms, pausing it up to 24 ms, and that alone set a floor of 9–21 ms (2–5 ms without it, on the same machine). Throughput is autocannon's, 20 connections, as fast as
   the API answers, for ${options.throughputSeconds} s in all. The **ceiling ratio** divides it by the throughput of a bare \`node:http\` server
   (\`tools/bench/lib/ceiling-server.mjs\`, its own process) that answers every request with the very bytes the API answered
   for that page, from memory, under the same autocannon load: what Node itself can serve on this machine. The two are
   measured in ${options.throughputRounds} rounds of ${options.throughputSeconds / options.throughputRounds} s each, taken in turn (API then server, then server then API, ...), after one
   second of warm-up for the new server, and the ratio is the median of the rounds' ratios: on a shared machine what
   Node can serve drifts from one second to the next (one ${options.throughputSeconds} s run of each, one after the other, gave 57 % and
   110 % an hour apart on one machine, nothing changed on the list's path), and rounds seconds apart see the same machine. The same server then takes the
   open loop at 1,000 requests/s for ${options.loadSeconds} s: it does no work of its own, so its p99 is the **floor** this machine and
   this generator give that figure (timer and scheduling jitter on shared cores), printed beside the API's. The row "autocannon --overallRate 500" is kept for comparison: autocannon lets each
   connection send its share of the second back to back at the top of every second (a burst at full speed, then
   silence), and corrects for coordinated omission with a 1 ms interval, which adds a synthetic sample for every
   millisecond of each response; its p99 therefore describes bursts, not a steady 500 requests/s.
   **Scale ×10** (issue 24): then ${(options.schedules * 10).toLocaleString('en')} schedules, the same ones copied again in SQL (one-off windows
   moved further days on), and the API restarted once more: its start-up to ready, the engine's planning passes
   measured as above, and the same list at 1,000 requests/s for ${options.loadSeconds} s after ${options.warmupSeconds} s at 500, with the API's RSS sampled
   every 200 ms meanwhile (reported without a target: the memory targets are for ${options.schedules.toLocaleString('en')} schedules).
4. **Memory.** The API process's RSS (\`VmRSS\` in \`/proc/<pid>/status\`): idle is the median of ${options.sampleSeconds} s of samples taken
   ${options.settleSeconds} s after the API was ready (engine running, no schedule); under load, the samples taken every 200 ms
   during the measured list runs (the restarted API, ${options.schedules.toLocaleString('en')} schedules loaded by its engine). The target
   (issue 24: "RSS under that load", the load of its latency target) is read on the open loop at 1,000 requests/s; the
   row after it keeps the figure reported until 2026-12-07, the largest sample over all the list runs, autocannon's
   as-fast-as-the-API-answers rounds included, and its note gives each run's largest. 1 MB = 10^6 bytes.

A figure reads *not measured* when this build lacks what it needs (the note says what); nothing is estimated.

## Raw figures

\`\`\`json
${JSON.stringify(details, null, 2)}
\`\`\`
`;
}

main()
  .then(async (rows) => {
    await cleanUp();
    const failed = rows.filter((r) => r.pass === false).length;
    log(failed === 0 ? 'done' : `done: ${failed} figure(s) missed their target`);
    if (options.smoke) {
      // The smoke run proves that every scenario still runs and reports; its tiny sizes say nothing about targets.
      const unmeasured = rows.filter((r) => r.measured === 'error' || r.measured === 'not measured');
      for (const r of unmeasured) log(`smoke: "${r.figure}" was not measured: ${r.note}`);
      if (rows.length === 0 || unmeasured.length > 0) process.exit(1);
      log(`smoke: ${rows.length} figures measured (targets not enforced at this size)`);
    }
    process.exit(0);
  })
  .catch(async (error) => {
    console.error(`[bench] ${error.stack ?? error.message}`);
    await cleanUp();
    process.exit(1);
  });
