// The benchmark's scenarios. Each returns rows for the table ({ scenario, figure, target, measured, pass, note })
// and raw details for docs/benchmarks.md. A scenario whose endpoint is not in this build says so instead of
// inventing a figure.
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue } from './lib/api.mjs';
import { endpointOf, sequentialCreateAndWait } from './lib/openstack.mjs';
import { constantRate } from './lib/load.mjs';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { cpuSeconds, freePort, rssBytes, sampleCpu, sampleRss, startNode, stopProcess, waitForHttp } from './lib/processes.mjs';
import { fmtMs, max, median, percentile } from './lib/stats.mjs';

const MB = 1_000_000;
/** How long a scenario's teardown may take, each stage (its VMs gone, then its schedules), before the run goes on. */
const TEARDOWN_LIMIT_MS = 300_000;
const TEARDOWN_LIMIT = `${TEARDOWN_LIMIT_MS / 1000} s`;
export const THROUGHPUT_SECONDS = 10;
/** The throughput rounds the API and the ceiling take in turn (see interleavedThroughput). */
export const THROUGHPUT_ROUNDS = 5;
/** The first benchmark's planning target was 100 ms for 10,000 schedules; issue 24's is 50 ms for 100,000. */
const planningTargetMs = (n) => (n >= 100_000 ? 50 : 100);
const fmtMb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;

function row(scenario, figure, target, measured, pass, note = '') {
  return { scenario, figure, target, measured, pass, note };
}

function pending(scenario, figure, target, why) {
  return row(scenario, figure, target, 'not measured', null, why);
}

/** Creates a schedule through the API (as a client would), with a once window. */
function onceSchedule(ctx, name, startAt, endAt, instanceCount) {
  return ctx.api.ok('POST', '/v1/schedules', {
    name,
    imageId: ctx.refs.imageId,
    flavorId: ctx.refs.flavorId,
    networkIds: [ctx.refs.networkId],
    instanceCount,
    window: { type: 'once', startAt: new Date(startAt).toISOString(), endAt: new Date(endAt).toISOString() },
    leadTimeMinutes: 0,
  });
}

async function schedulesApiPresent(ctx) {
  return ctx.api.hasRoute('/v1/schedules');
}

/** Runs `task(i)` for i in 0..count-1 with at most `parallel` at once. */
async function inParallel(count, parallel, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

/** Live servers whose tags include `tag` (the engine tags each VM with its schedule). */
function serversTagged(ctx, tag) {
  return ctx.sim.servers(`?tag=${encodeURIComponent(tag)}`);
}

async function deleteSchedules(ctx, ids) {
  await inParallel(ids.length, 8, async (i) => {
    await ctx.api.request('DELETE', `/v1/schedules/${ids[i]}`);
  });
}

/** Waits until the simulator has no live server left (the engine tore them down), or gives up quietly. */
async function waitForNoServers(ctx, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await ctx.sim.servers()).length === 0) return true;
    await sleep(500);
  }
  return false;
}

// --- 4a: memory at rest -------------------------------------------------------------------------------------

export async function idleMemory(ctx) {
  const { settleSeconds, sampleSeconds } = ctx.options;
  ctx.log(`memory: letting the API settle for ${settleSeconds} s, then sampling its RSS for ${sampleSeconds} s`);
  await sleep(settleSeconds * 1000);
  const sampler = sampleRss(ctx.apiProc.child.pid, 250);
  await sleep(sampleSeconds * 1000);
  const samples = sampler.stop();
  const idle = median(samples);
  ctx.details.idleMemory = { samples: samples.length, medianBytes: idle, maxBytes: max(samples) };
  return [row('4', `API RSS idle (median of ${sampleSeconds} s)`, '≤ 100 MB', fmtMb(idle), idle <= 100 * MB, `max ${fmtMb(max(samples))}`)];
}

// --- 2: fan-out ---------------------------------------------------------------------------------------------

export async function fanOut(ctx) {
  const count = ctx.options.vms;
  ctx.log(`fan-out: ${count} VMs, 300 ms per Nova call, 2 s build`);
  await ctx.sim.configure({ latency: [{ service: 'compute', delayMs: 300 }], buildDelayMs: 2000 });
  try {
    // Our engine first: if it is not there, the long sequential loop still runs and is reported.
    const engine = await fanOutEngine(ctx, count);
    const sequential = await fanOutSequential(ctx, count);
    const rows = [
      row(
        '2',
        `fan-out, sequential create-and-wait (seed-style), ${count} VMs`,
        '',
        fmtMs(sequential.ms),
        null,
        `${(sequential.ms / count).toFixed(0)} ms per VM`,
      ),
    ];
    if (engine.ms === undefined) {
      rows.unshift(pending('2', `fan-out, our engine, ${count} VMs until all ACTIVE`, '', engine.why));
      rows.push(pending('2', 'fan-out speed-up (sequential / engine)', '≥ 10×', engine.why));
    } else {
      const ratio = sequential.ms / engine.ms;
      rows.unshift(row('2', `fan-out, our engine, ${count} VMs until all ACTIVE`, '', fmtMs(engine.ms), null, engine.note));
      rows.push(row('2', 'fan-out speed-up (sequential / engine)', '≥ 10×', `${ratio.toFixed(1)}×`, ratio >= 10));
    }
    return rows;
  } finally {
    await ctx.sim.configure({ latency: [], buildDelayMs: 2000 });
  }
}

async function fanOutSequential(ctx, count) {
  const computeUrl = endpointOf(ctx.keystone.catalog, 'compute');
  ctx.log(`fan-out: sequential create-and-wait loop over ${count} VMs (this takes a few minutes)`);
  const started = Date.now();
  const activeAt = await sequentialCreateAndWait({
    computeUrl,
    token: ctx.keystone.token,
    refs: ctx.refs,
    count,
    namePrefix: 'bench-sequential',
  });
  const ms = activeAt[activeAt.length - 1] - started;
  ctx.details.fanOutSequential = { count, ms, perVmMs: ms / count };
  // Clean up behind the loop, with the same cloud latency, so the next scenarios start from an empty cloud.
  const mine = (await ctx.sim.servers()).filter((s) => s.name.startsWith('bench-sequential-'));
  await inParallel(mine.length, 20, async (i) => {
    await fetch(`${computeUrl}/servers/${mine[i].id}`, { method: 'DELETE', headers: { 'X-Auth-Token': ctx.keystone.token } });
  });
  await waitForNoServers(ctx, 60_000);
  return { ms };
}

async function fanOutEngine(ctx, count) {
  if (!(await schedulesApiPresent(ctx))) return { why: 'the schedules API is not in this build yet' };
  const plannedAt = Math.ceil(Date.now() / 1000) * 1000 + 5000;
  const schedule = await onceSchedule(ctx, `bench-fanout-${Date.now()}`, plannedAt, plannedAt + 15 * 60_000, count);
  ctx.log(`fan-out: schedule ${schedule.id} (${count} VMs) starts at ${new Date(plannedAt).toISOString()}`);
  const tag = `peak-schedule:${schedule.id}`;
  const deadline = plannedAt + 180_000;
  let servers = [];
  while (Date.now() < deadline) {
    servers = await serversTagged(ctx, tag);
    if (servers.length >= count && servers.every((s) => s.status === 'ACTIVE')) break;
    // No engine in this build (or one that never acts): do not wait the full three minutes for nothing.
    if (servers.length === 0 && Date.now() > plannedAt + 30_000) break;
    await sleep(100);
  }
  const active = servers.filter((s) => s.status === 'ACTIVE');
  if (active.length < count) {
    const waited = Math.round((Date.now() - plannedAt) / 1000);
    await tearDown(ctx, 'fan-out', [schedule.id]);
    return { why: `the engine had ${active.length}/${count} VMs ACTIVE ${waited} s after the planned start (${servers.length} created)` };
  }
  // The simulator records the instant each VM turned ACTIVE; the last of them ends the fan-out.
  const lastActive = Math.max(...active.map((s) => Date.parse(s.buildDoneAt)));
  const firstCreated = Math.min(...active.map((s) => Date.parse(s.createdAt)));
  const ms = lastActive - plannedAt;
  // The next scenario starts once the VMs and the schedule are gone, so that it measures a quiet engine.
  const teardown = await tearDown(ctx, 'fan-out', [schedule.id]);
  ctx.details.fanOutEngine = { count, ms, firstCreateAfterMs: firstCreated - plannedAt, teardown };
  return {
    ms,
    note:
      `first VM created ${fmtMs(firstCreated - plannedAt)} after the planned start; once the schedule was deleted, ` +
      `its VMs were gone in ${secondsOrOver(teardown.vmsGoneMs)} and the schedule in ${secondsOrOver(teardown.schedulesGoneMs)}`,
  };
}

// --- 1: dispatch precision -----------------------------------------------------------------------------------

export async function dispatchPrecision(ctx) {
  const rows = [];
  for (const count of ctx.options.dispatchCounts) rows.push(...(await dispatchOf(ctx, count)));
  return rows;
}

/** 50 schedules had to start within 1 s (the first benchmark); 500 within 500 ms (issue 24's "dispatch ×10"). */
const dispatchTargetMs = (count) => (count >= 500 ? 500 : 1000);

async function dispatchOf(ctx, count) {
  const figure = `dispatch delay, ${count} schedules starting in the same second (p50 / p99 / max)`;
  const targetMs = dispatchTargetMs(count);
  const target = `p99 ≤ ${fmtMs(targetMs)}`;
  if (!(await schedulesApiPresent(ctx))) return [pending('1', figure, target, 'the schedules API is not in this build yet')];
  // Long enough to create them all through the API first (about 40 a second on this machine, 8 at a time).
  const leadMs = ctx.options.smoke ? 5000 : Math.max(15_000, count * 60);
  const plannedAt = Math.ceil(Date.now() / 1000) * 1000 + leadMs;
  ctx.log(`dispatch: ${count} schedules starting at ${new Date(plannedAt).toISOString()}`);
  const ids = [];
  const stamp = Date.now();
  // Every POST /servers from now on is one of these schedules' (the earlier scenarios' VMs are gone).
  const since = Date.now();
  await inParallel(count, 8, async (i) => {
    const s = await onceSchedule(ctx, `bench-dispatch-${stamp}-${String(i + 1).padStart(3, '0')}`, plannedAt, plannedAt + 5 * 60_000, 1);
    ids.push(s.id);
  });
  if (Date.now() >= plannedAt) throw new Error('creating the dispatch schedules took longer than their lead; the machine is too busy');

  // Where the two cores go from the instant to the last create: the whole machine, the API, the simulator (which
  // stands in for Nova on the same cores) and the PostgreSQL backends of the API's connections (listed every 250 ms,
  // so that one the API's pool opens during the burst counts too), sampled from a second before the instant.
  await sleep(Math.max(0, plannedAt - 1000 - Date.now()));
  const cpu = sampleCpu({ api: [ctx.apiProc.child.pid], simulator: [ctx.simProc.child.pid], postgres: ctx.localBackends });
  const isCreate = (r) => r.method === 'POST' && /\/servers$/.test(r.path);
  let creates = [];
  const deadline = plannedAt + 60_000;
  // The creates are timed by the simulator as it receives them: the benchmark asks for them only once the burst
  // is under way, so that its own requests do not share the cores with the first half second of it.
  await sleep(Math.max(0, plannedAt + 500 - Date.now()));
  while (Date.now() < deadline) {
    creates = (await ctx.sim.requests(`?method=POST&since=${since}`)).filter(isCreate);
    if (creates.length >= count) break;
    await sleep(250);
  }
  cpu.stop();
  const delays = creates.slice(0, count).map((r) => r.receivedAt - plannedAt);
  const burst = creates.length > 0 ? cpu.between(plannedAt, plannedAt + max(delays)) : null;
  // Check that the creates are one per schedule (not retries of a few): the engine tags each VM with its schedule.
  const mine = new Set(ids.map((id) => `peak-schedule:${id}`));
  // A VM in ERROR (the cloud could not build it) does not serve its schedule.
  const built = (await ctx.sim.servers()).filter((s) => s.status !== 'ERROR');
  const withVm = new Set(built.flatMap((s) => s.tags.filter((t) => mine.has(t))));
  const teardown = await tearDown(ctx, 'dispatch', ids);
  // Every create these schedules caused, the teardown's included: more than one each would be a VM made twice.
  const allCreates = (await ctx.sim.requests(`?method=POST&since=${since}`)).filter(isCreate);
  ctx.details[count === 50 ? 'dispatch' : `dispatch${count}`] = {
    count,
    seen: creates.length,
    schedulesWithVm: withVm.size,
    plannedAt: new Date(plannedAt).toISOString(),
    delaysMs: delays.map((d) => Number(d.toFixed(1))),
    createsInAll: allCreates.length,
    cpu: burst,
    teardown,
  };
  if (creates.length < count)
    return [pending('1', figure, target, `the simulator received ${creates.length}/${count} POST /servers within 60 s`)];
  const [p50, p99, worst] = [percentile(delays, 50), percentile(delays, 99), max(delays)];
  const note = `earliest ${fmtMs(Math.min(...delays))}; ${withVm.size}/${count} schedules got their VM; ${allCreates.length} POST /servers in all`;
  return [
    row('1', figure, target, `${fmtMs(p50)} / ${fmtMs(p99)} / ${fmtMs(worst)}`, p99 <= targetMs && withVm.size === count, note),
    burstCpuRow(count, burst),
    teardownRow(count, teardown),
  ];
}

/**
 * Deletes a scenario's schedules during their window, as an operator would, and waits until the engine has removed
 * their VMs and then the schedules themselves (their runs closed), so that the next scenario starts on a quiet engine.
 * Times from the first DELETE; `null` for a stage that did not finish within `TEARDOWN_LIMIT_MS`.
 */
async function tearDown(ctx, scenario, ids) {
  ctx.log(`${scenario}: deleting the schedules, waiting for their VMs and then the schedules to go`);
  const started = Date.now();
  await deleteSchedules(ctx, ids);
  const vmsGoneMs = (await waitForNoServers(ctx, TEARDOWN_LIMIT_MS)) ? Date.now() - started : null;
  const deadline = started + TEARDOWN_LIMIT_MS;
  let left = ids.length;
  while (Date.now() < deadline) {
    left = (await ctx.sql('SELECT count(*)::int AS remaining FROM schedule WHERE id = ANY($1::uuid[])', [ids]))[0].remaining;
    if (left === 0) break;
    await sleep(250);
  }
  const schedulesGoneMs = left === 0 ? Date.now() - started : null;
  if (vmsGoneMs === null) ctx.log(`${scenario}: some VMs were still there after ${TEARDOWN_LIMIT}; going on`);
  if (schedulesGoneMs === null) ctx.log(`${scenario}: ${left} schedule(s) still being deleted after ${TEARDOWN_LIMIT}; going on`);
  return { vmsGoneMs, schedulesGoneMs, left };
}

/**
 * The CPU the machine spent from the planned instant to the last create (the samples nearest those instants, 50 ms
 * apart), against what its cores could give in that time: how close the burst came to using them all, and who used it.
 */
function burstCpuRow(count, burst) {
  const figure = `CPU, instant to last create (${count}): machine (of its cores' capacity) / API / simulator / PostgreSQL`;
  const { spanMs, used } = burst;
  const capacity = (availableParallelism() * spanMs) / 1000;
  const s = (seconds) => `${seconds.toFixed(2)} s`;
  const share = capacity > 0 ? ` (${((100 * used.machine) / capacity).toFixed(0)} %)` : '';
  const measured = `${s(used.machine)} of ${s(capacity)}${share} / ${s(used.api)} / ${s(used.simulator)} / ${s(used.postgres)}`;
  const perCreate = (seconds) => `${((1000 * seconds) / count).toFixed(2)} ms`;
  const perCreates = `API ${perCreate(used.api)}, simulator ${perCreate(used.simulator)}, PostgreSQL ${perCreate(used.postgres)}`;
  const note = `per create: ${perCreates}; over ${fmtMs(spanMs)}, ${availableParallelism()} cores`;
  return row('1', figure, '', measured, null, note);
}

/** A teardown stage's time, or that it did not finish within `TEARDOWN_LIMIT_MS`. */
const secondsOrOver = (ms) => (ms === null ? `over ${TEARDOWN_LIMIT}` : `${(ms / 1000).toFixed(1)} s`);

function teardownRow(count, { vmsGoneMs, schedulesGoneMs, left }) {
  const figure = `deleting those ${count} schedules during their window: all VMs gone / all schedules removed`;
  const note =
    left === 0
      ? 'from the first DELETE; the engine removes the VMs, closes the runs, then the schedules'
      : `${left} left after ${TEARDOWN_LIMIT}`;
  return row('1', figure, '', `${secondsOrOver(vmsGoneMs)} / ${secondsOrOver(schedulesGoneMs)}`, null, note);
}

// --- 3 and 4b: scale and memory under load --------------------------------------------------------------------

export async function scale(ctx) {
  const n = ctx.options.schedules;
  const planningFigure = `engine planning pass, ${n.toLocaleString('en')} schedules`;
  const listFigure = `GET /v1/schedules (page of 50) at 500 req/s: p99 latency`;
  // Issue 24's "RSS under that load": the load of its latency target, the open loop at 1,000 req/s.
  const memoryFigure = 'API RSS under the open loop at 1,000 req/s (max)';
  if (!(await schedulesApiPresent(ctx))) {
    const why = 'the schedules API is not in this build yet';
    return [
      pending('3', planningFigure, `≤ ${planningTargetMs(n)} ms`, why),
      pending('3', listFigure, '≤ 20 ms', why),
      pending('4', memoryFigure, '≤ 200 MB', why),
    ];
  }

  await seedSchedules(ctx, n);

  // Seeding 10,000 schedules in two minutes swells V8's heap, which it gives back only slowly; the figures are for an
  // API that has 10,000 schedules, so they are taken on a freshly started process (which loads them all at start).
  ctx.log('scale: restarting the API on the seeded database');
  await ctx.restartApi();
  const readyMs = ctx.apiProc.readyAfterMs;
  ctx.details.startup = { schedules: n, readyAfterMs: readyMs };

  const rows = [startupRow(n, readyMs), ...(await planningPass(ctx, n, planningFigure))];
  rows.push(...(await listUnderLoad(ctx, listFigure, memoryFigure)));
  return rows;
}

/** The restarted API's start-up, from its spawn to its first ready answer, with `n` schedules on its database. */
function startupRow(n, readyMs) {
  const figure = `API start-up to ready, ${n.toLocaleString('en')} schedules`;
  return row('3', figure, '≤ 15 s', fmtMs(readyMs), readyMs <= 15_000, 'from the process start to /v1/health/ready answering 200');
}

// --- 3 (×10): ten times the schedules ------------------------------------------------------------------------

/**
 * Issue 24's "scale ×10": ten times the scale scenario's schedules (100,000 in a full run) on a restarted API: its
 * start-up, the engine's planning pass, and the list under the open loop at 1,000 req/s with the API's RSS meanwhile.
 * The scale scenario's schedules are kept and copied in SQL into the rest (seeded here when it did not run).
 */
export async function scaleTenfold(ctx) {
  const n = ctx.options.schedules * 10;
  const label = n.toLocaleString('en');
  const planningFigure = `engine planning pass, ${label} schedules`;
  const listFigure = `GET /v1/schedules (page of 50) at 1,000 req/s, ${label} schedules: p99 latency`;
  if (!(await schedulesApiPresent(ctx))) {
    const why = 'the schedules API is not in this build yet';
    return [pending('3', planningFigure, `≤ ${planningTargetMs(n)} ms`, why), pending('3', listFigure, '≤ 10 ms', why)];
  }
  if (!ctx.scaleSeed) await seedSchedules(ctx, n);
  else {
    const { prefix, schedules } = ctx.scaleSeed;
    const copyStarted = Date.now();
    const copied = await copySchedules(ctx, prefix, n - schedules, Math.ceil((schedules - API_SEEDED) / API_SEEDED));
    ctx.details.scaleTenfoldCreate = { schedules: n, copiedInSql: copied, copySeconds: (Date.now() - copyStarted) / 1000 };
  }
  ctx.log(`scale ×10: restarting the API on ${label} schedules`);
  await ctx.restartApi();
  const readyMs = ctx.apiProc.readyAfterMs;
  ctx.details.startupTenfold = { schedules: n, readyAfterMs: readyMs };
  const rows = [startupRow(n, readyMs), ...(await planningPass(ctx, n, planningFigure, 'planningTenfold'))];

  const url = `${ctx.api.baseUrl}/v1/schedules?limit=50`;
  const headers = { 'X-Auth-Token': ctx.api.token };
  ctx.log(
    `scale ×10: ${ctx.options.warmupSeconds} s of warm-up at 500 req/s, then the open loop at 1,000 req/s for ${ctx.options.loadSeconds} s`,
  );
  await constantRate({ url, rate: 500, headers, seconds: ctx.options.warmupSeconds });
  const sampler = sampleRss(ctx.apiProc.child.pid, 200);
  const atThousand = await withLoopDelay(ctx, () => constantRate({ url, rate: 1000, headers, seconds: ctx.options.loadSeconds }));
  const rss = sampler.stop();
  ctx.details.listLoadTenfold = {
    url,
    constantRate1000: atThousand,
    rssBytes: { median: median(rss), max: max(rss), samples: rss.length },
  };
  const atTenThousand = ctx.details.listLoad?.constantRate1000?.latencyMs?.p99;
  const beside =
    atTenThousand === undefined ? '' : `; with ${ctx.options.schedules.toLocaleString('en')} schedules: p99 ${atTenThousand} ms`;
  rows.push(
    openLoopRow(listFigure, 10, atThousand, 1000, `${openLoopSummary(atThousand)}; ${stallsOf(atThousand)}${beside}`),
    row(
      '4',
      `API RSS under that load, ${label} schedules (max)`,
      '',
      fmtMb(max(rss)),
      null,
      `samples every 200 ms during that run; the engine keeps every schedule's plan in memory (the 200 MB target is for ${ctx.options.schedules.toLocaleString('en')})`,
    ),
  );
  return rows;
}

/**
 * `n` schedules on the database: the first API_SEEDED (at most) through the API, as a client makes them (the create
 * rate is measured on those); the rest are copies of them made in SQL. Through the API alone, seeding is quadratic
 * (each save checks the project's capacity against every schedule it has), so 100,000 would take hours.
 */
async function seedSchedules(ctx, n) {
  const viaApi = Math.min(n, API_SEEDED);
  ctx.log(`scale: creating ${viaApi} schedules through the API`);
  const started = Date.now();
  const future = Date.now() + 30 * 24 * 3600_000;
  const stamp = Date.now();
  const prefix = `bench-scale-${stamp}-`;
  await inParallel(viaApi, 16, async (i) => {
    const name = `${prefix}${String(i).padStart(5, '0')}`;
    const common = { name, imageId: ctx.refs.imageId, flavorId: ctx.refs.flavorId, networkIds: [ctx.refs.networkId], instanceCount: 1 };
    // Half one-off windows, half weekday series; all a month away, so none fires during the benchmark.
    const window =
      i % 2 === 0
        ? {
            type: 'once',
            startAt: new Date(future + i * 60_000).toISOString(),
            endAt: new Date(future + i * 60_000 + 3600_000).toISOString(),
          }
        : { type: 'recurring', cron: `${i % 60} ${8 + (i % 10)} * * 1-5`, durationMinutes: 60, validFrom: new Date(future).toISOString() };
    await ctx.api.ok('POST', '/v1/schedules', { ...common, window });
    if ((i + 1) % 1000 === 0) ctx.log(`scale: ${i + 1}/${viaApi} created`);
  });
  const createSeconds = (Date.now() - started) / 1000;
  const copyStarted = Date.now();
  const copied = n > viaApi ? await copySchedules(ctx, prefix, n - viaApi, 0) : 0;
  ctx.details.scaleCreate = {
    schedules: n,
    throughApi: viaApi,
    seconds: createSeconds,
    perSecond: viaApi / createSeconds,
    copiedInSql: copied,
    copySeconds: (Date.now() - copyStarted) / 1000,
    rssAfterBytes: rssBytes(ctx.apiProc.child.pid),
  };
  ctx.scaleSeed = { prefix, schedules: n };
}

/** How many schedules of the scale scenario are made through the API; the others are SQL copies of those. */
const API_SEEDED = 2000;

/**
 * `count` copies of the schedules the API made (named `prefix` and five digits), in one INSERT: every column copied
 * (project, trust, launch options, the window as the API computed it) but the id and the name, and a one-off window
 * moved a whole number of days later (with its computed next window), after `daysAfter` days already taken by
 * earlier copies, so that no two copies share an instant. The API's own rows stay the model: a column added later is
 * copied as it is.
 */
async function copySchedules(ctx, prefix, count, daysAfter) {
  ctx.log(`scale: copying them in SQL into ${count} more`);
  const columns = (
    await ctx.sql(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'schedule'`)
  ).map((r) => r.column_name);
  const shifted = new Set(['start_at', 'end_at', 'next_window_start', 'next_window_end', 'next_provision_at']);
  const copiedColumns = columns.filter((c) => !['id', 'name', 'change_xid'].includes(c));
  const value = (c) =>
    shifted.has(c) ? `CASE WHEN s.window_type = 'once' THEN s.${c} + make_interval(days => $3 + g.i) ELSE s.${c} END` : `s.${c}`;
  const rows = await ctx.sql(
    `WITH models AS (SELECT * FROM schedule WHERE name ~ ('^' || $1 || '[0-9]{5}$') ORDER BY name)
     INSERT INTO schedule (id, name, ${copiedColumns.join(', ')})
     SELECT gen_random_uuid(), s.name || '-copy-' || ($3 + g.i), ${copiedColumns.map(value).join(', ')}
     FROM generate_series(1, CEIL($2::numeric / (SELECT count(*) FROM models))::int) AS g(i) CROSS JOIN models s
     ORDER BY g.i, s.name
     LIMIT $2
     RETURNING id`,
    [prefix, count, daysAfter],
  );
  return rows.length;
}

/**
 * The engine's planning passes, from its own histogram: the first pass after the start, which plans every schedule,
 * and then the mean of the next passes (what every pass costs while the engine runs), as two figures.
 */
async function planningPass(ctx, n, figure, detailsKey = 'planning') {
  const target = `≤ ${planningTargetMs(n)} ms`;
  const firstFigure = `engine's first planning pass after start-up, ${n.toLocaleString('en')} schedules`;
  const before = await ctx.api.metrics();
  if (metricValue(before, 'peak_engine_planning_seconds_count') === undefined) {
    return [pending('3', figure, target, 'the engine does not report peak_engine_planning_seconds yet')];
  }
  // The engine's passes so far: how many, their summed length, and how many schedules the last one planned.
  const passes = async () => {
    const metrics = await ctx.api.metrics();
    return {
      planned: metricValue(metrics, 'peak_engine_planned_schedules') ?? 0,
      count: metricValue(metrics, 'peak_engine_planning_seconds_count') ?? 0,
      sum: metricValue(metrics, 'peak_engine_planning_seconds_sum') ?? 0,
    };
  };
  ctx.log("scale: waiting for the engine's first pass over every schedule");
  const firstDeadline = Date.now() + 60_000;
  let first = await passes();
  while (!(first.planned >= n && first.count > 0) && Date.now() < firstDeadline) {
    await sleep(200);
    first = await passes();
  }
  if (first.planned < n || first.count === 0)
    return [pending('3', figure, target, `no pass over every schedule within 60 s (the last over ${first.planned})`)];
  const wanted = ctx.options.planningPasses;
  ctx.log(`scale: waiting for ${wanted} more engine pass(es) (the safety pass runs every 15 s by default)`);
  const deadline = Date.now() + 45_000;
  let after = first;
  while (Date.now() < deadline && after.count < first.count + wanted) {
    await sleep(1000);
    after = await passes();
  }
  const passCount = after.count - first.count;
  const firstMs = (first.sum / first.count) * 1000;
  const rows = [
    row(
      '3',
      firstFigure,
      '',
      fmtMs(firstMs),
      null,
      first.count === 1 ? 'plans every schedule' : `mean of the first ${first.count} passes (the last of them over every schedule)`,
    ),
  ];
  if (passCount < 1) return [...rows, pending('3', figure, target, `no pass in 45 s after the first over ${first.planned} schedules`)];
  const meanMs = ((after.sum - first.sum) / passCount) * 1000;
  ctx.details[detailsKey] = { firstPasses: first.count, firstMeanMs: firstMs, passes: passCount, plannedSchedules: after.planned, meanMs };
  return [
    ...rows,
    row(
      '3',
      figure,
      target,
      fmtMs(meanMs),
      meanMs <= planningTargetMs(n),
      `mean of the ${passCount} pass(es) after the first, over ${after.planned} schedules`,
    ),
  ];
}

const THOUSAND_RUN = 'open loop at 1,000 req/s';

async function listUnderLoad(ctx, listFigure, memoryFigure) {
  const url = `${ctx.api.baseUrl}/v1/schedules?limit=50`;
  const page = await ctx.api.ok('GET', '/v1/schedules?limit=50');
  const headers = { 'X-Auth-Token': ctx.api.token };
  const load = { url, rate: 500, headers };
  const { warmupSeconds, throughputSeconds } = ctx.options;
  ctx.log(`scale: ${warmupSeconds} s of warm-up at 500 req/s, then the measured run (open loop, constant rate)`);
  await constantRate({ ...load, seconds: warmupSeconds });
  // Where the CPU goes per request (the API process, and the PostgreSQL backends of its connections) tells how far
  // a 2-core machine can go, whatever else runs on it.
  const backends = await ctx.databaseBackends();
  const cpu = () => ({ api: cpuSeconds(ctx.apiProc.child.pid), db: backends.reduce((sum, pid) => sum + cpuSeconds(pid), 0) });
  const cpuBefore = cpu();
  const sampler = sampleRss(ctx.apiProc.child.pid, 200);
  const result = await withLoopDelay(ctx, () => constantRate({ ...load, seconds: ctx.options.loadSeconds }));
  sampler.mark('open loop at 500 req/s');
  const cpuAfter = cpu();
  // A backend that ended during the run reads 0 s afterwards: never report a negative cost.
  const perRequestMs = (seconds) => Number(((Math.max(0, seconds) * 1000) / Math.max(1, result.completed)).toFixed(2));
  // Issue 24's rate: the same open loop at 1,000 requests/s.
  ctx.log(`scale: the same at 1,000 req/s for ${ctx.options.loadSeconds} s`);
  const atThousand = await withLoopDelay(ctx, () => constantRate({ url, rate: 1000, headers, seconds: ctx.options.loadSeconds }));
  sampler.mark(THOUSAND_RUN);

  // Throughput: autocannon, 20 connections, as fast as the API answers, in rounds taken in turn with the ceiling's.
  const bare = await startCeiling(ctx, headers);
  let throughput;
  let cannonAtRate;
  let rss;
  let floor;
  try {
    throughput = await interleavedThroughput(ctx, { api: url, bare: bare.url }, headers);
    sampler.mark('autocannon throughput rounds');
    // And autocannon's own rate limit, for comparison with earlier reports (see load.mjs for why it reads higher).
    cannonAtRate = await runAutocannon({ url, connections: 20, overallRate: 500, headers, duration: throughputSeconds });
    sampler.mark('autocannon --overallRate 500');
    rss = sampler.stop();
    ctx.log(`scale: the floor, the bare server under the open loop at 1,000 req/s for ${ctx.options.loadSeconds} s`);
    floor = await constantRate({ url: bare.url, rate: 1000, headers, seconds: ctx.options.loadSeconds });
  } finally {
    await bare.stop();
  }
  const cannon = throughput.api;
  const rssByRun = sampler.maxByPhase();
  const ceiling = { ...throughput.bare, bodyBytes: bare.bodyBytes, atThousand: floor };

  const summary = (r) => ({ p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average });
  ctx.details.listLoad = {
    url,
    pageItems: Array.isArray(page?.items) ? page.items.length : undefined,
    constantRate: {
      ...result,
      cpuPerRequestMs: {
        api: perRequestMs(cpuAfter.api - cpuBefore.api),
        postgres: perRequestMs(cpuAfter.db - cpuBefore.db),
        postgresBackends: backends.length,
      },
    },
    constantRate1000: atThousand,
    autocannonThroughput: cannon,
    ceilingRatio: { median: throughput.ratio, rounds: throughput.ratios },
    autocannonOverallRate500: {
      connections: 20,
      seconds: cannonAtRate.duration,
      requests: cannonAtRate.requests.total,
      failed: cannonAtRate.errors + cannonAtRate.timeouts + cannonAtRate.non2xx,
      latencyMs: summary(cannonAtRate),
    },
    rssBytes: { median: median(rss), max: max(rss), samples: rss.length, maxByRun: rssByRun },
    ceiling,
  };
  const { cpuPerRequestMs } = ctx.details.listLoad.constantRate;
  const rssAtThousand = rssByRun.find(({ phase }) => phase === THOUSAND_RUN).bytes;
  const cannonRate = cannon.perSecond;
  const percent = (ratio) => `${(ratio * 100).toFixed(1)} %`;
  const rounds = throughput.ratios.length;
  return [
    openLoopRow(
      listFigure,
      20,
      result,
      500,
      `${openLoopSummary(result)}; CPU per request: API ${cpuPerRequestMs.api} ms, PostgreSQL ${cpuPerRequestMs.postgres} ms; ${stallsOf(result)}`,
    ),
    openLoopRow(
      'GET /v1/schedules (page of 50) at 1,000 req/s: p99 latency',
      10,
      atThousand,
      1000,
      `${openLoopSummary(atThousand)}; ${stallsOf(atThousand)}; the floor below: p99 ${floor.latencyMs.p99} ms`,
    ),
    row(
      '3',
      "the same open loop at 1,000 req/s against a bare node:http server sending the same bytes (this machine's floor)",
      '',
      `p99 ${floor.latencyMs.p99} ms`,
      null,
      `${openLoopSummary(floor)}; longest late send by the load generator ${floor.maxSendLagMs} ms`,
    ),
    row(
      '3',
      'GET /v1/schedules throughput (autocannon, 20 connections)',
      '',
      `${cannonRate.toFixed(0)} req/s`,
      null,
      `${cannon.requests} requests in ${rounds} round(s) of ${cannon.roundSeconds} s; p99 per round ${spread(cannon.p99PerRound)} ms${cannon.failed > 0 ? `; ${cannon.failed} failed` : ''}`,
    ),
    row(
      '3',
      'ceiling ratio: that throughput / a bare node:http server sending the same bytes',
      '≥ 40 %',
      percent(throughput.ratio),
      throughput.ratio >= 0.4 && cannon.failed === 0,
      `${rounds > 1 ? `median of ${rounds} rounds taken in turn with the API's (${throughput.ratios.map(percent).join(', ')})` : 'one round'}; ` +
        `bare node:http: ${ceiling.perSecond.toFixed(0)} req/s, p99 per round ${spread(ceiling.p99PerRound)} ms (${ceiling.bodyBytes} bytes per answer)`,
    ),
    row(
      '3',
      'the same with autocannon --overallRate 500 (bursts, see below)',
      '',
      `p99 ${cannonAtRate.latency.p99} ms`,
      null,
      `p50 ${cannonAtRate.latency.p50} ms, ${(cannonAtRate.requests.total / cannonAtRate.duration).toFixed(0)} req/s`,
    ),
    row(
      '4',
      memoryFigure,
      '≤ 200 MB',
      fmtMb(rssAtThousand),
      rssAtThousand <= 200 * MB,
      'samples every 200 ms during that run, which follows the 500 req/s run',
    ),
    row(
      '4',
      'API RSS over all the list runs above, autocannon at full speed included (max)',
      '',
      fmtMb(max(rss)),
      null,
      `median ${fmtMb(median(rss))}; largest in each run: ${rssByRun
        .map(({ phase, bytes }) => `${phase} ${fmtMb(bytes)}`)
        .join(', ')}; idle now ${fmtMb(rssBytes(ctx.apiProc.child.pid))}`,
    ),
  ];
}

/** A list figure under the open loop: its p99 against `targetMs`, a pass only if the rate was held and nothing failed. */
function openLoopRow(figure, targetMs, result, rate, note) {
  const held = result.achievedRate >= rate * 0.97 && result.errors + result.non2xx === 0;
  return row('3', figure, `≤ ${targetMs} ms`, `${result.latencyMs.p99} ms`, result.latencyMs.p99 <= targetMs && held, note);
}

/**
 * Runs `load` and adds what tells a slow answer's cause: the API's longest event-loop delay during the run (Node's
 * own histogram, which prom-client resets at each read of /metrics: one read before, one after) and the
 * generator's own longest lateness in sending (`maxSendLagMs`, from the load).
 */
async function withLoopDelay(ctx, load) {
  await ctx.api.metrics();
  const result = await load();
  const metrics = await ctx.api.metrics();
  const seconds = metricValue(metrics, 'nodejs_eventloop_lag_max_seconds');
  return { ...result, apiLoopDelayMaxMs: seconds === undefined ? undefined : Number((seconds * 1000).toFixed(1)) };
}

/** An open-loop run (`constantRate`) in a figure's note: its median and worst latency, the rate it kept, its failures. */
function openLoopSummary(result) {
  const failed = result.errors + result.non2xx;
  return `p50 ${result.latencyMs.p50} ms, max ${result.latencyMs.max} ms, ${result.achievedRate.toFixed(0)} req/s achieved, ${failed} failed`;
}

/** The causes `withLoopDelay` measured, for a figure's note. */
function stallsOf(result) {
  const loop = result.apiLoopDelayMaxMs === undefined ? 'not measured' : `${result.apiLoopDelayMaxMs} ms`;
  return `longest API event-loop delay ${loop}, longest late send by the load generator ${result.maxSendLagMs} ms`;
}

/**
 * The ceiling: a bare node:http server in its own process answering every request with the bytes the API just
 * answered, from memory. Started once, before the throughput rounds, and stopped by the caller (`stop`) after the
 * floor: the open loop at 1,000 req/s as the API's, against a server that does no work of its own, so what is left in
 * its tail is the machine's (timer and scheduling jitter on shared cores) and the generator's.
 */
async function startCeiling(ctx, headers) {
  const res = await fetch(`${ctx.api.baseUrl}/v1/schedules?limit=50`, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  const bodyFile = `${ctx.artifacts}/ceiling-body.json`;
  writeFileSync(bodyFile, body);
  const port = await freePort();
  const proc = startNode(
    'ceiling',
    'tools/bench/lib/ceiling-server.mjs',
    { ...process.env, CEILING_PORT: String(port), CEILING_BODY_FILE: bodyFile },
    `${ctx.artifacts}/ceiling.log`,
  );
  const url = `http://127.0.0.1:${port}/v1/schedules?limit=50`;
  try {
    await waitForHttp(proc, url, { timeoutMs: 10_000 });
  } catch (error) {
    await stopProcess(proc);
    throw error;
  }
  return { url, bodyBytes: body.length, stop: () => stopProcess(proc) };
}

/**
 * The API's throughput and the ceiling's, autocannon with 20 connections as fast as each answers, in rounds taken in
 * turn (API then bare server, then the other way round, and so on), `throughputSeconds` for each in all. On a
 * shared machine what Node can serve drifts from one second to the next (one 10 s run of each, the first after the
 * other, gave 57 % and 110 % an hour apart); rounds a few seconds apart see the same machine, and the ratio is their
 * median. The new server first gets one second of the same load, as the API has had its own.
 */
async function interleavedThroughput(ctx, urls, headers) {
  const { throughputSeconds, throughputRounds } = ctx.options;
  const roundSeconds = throughputSeconds / throughputRounds;
  ctx.log(
    `scale: throughput, autocannon 20 connections: ${throughputRounds} round(s) of ${roundSeconds} s on the API and on the ceiling (a bare node:http server with the same bytes), in turn`,
  );
  await runAutocannon({ url: urls.bare, connections: 20, headers, duration: 1 });
  const runs = { api: [], bare: [] };
  const ratios = [];
  for (let round = 0; round < throughputRounds; round++) {
    const order = round % 2 === 0 ? ['api', 'bare'] : ['bare', 'api'];
    const rate = {};
    for (const side of order) {
      const result = await runAutocannon({ url: urls[side], connections: 20, headers, duration: roundSeconds });
      runs[side].push(result);
      rate[side] = result.requests.total / result.duration;
    }
    ratios.push(rate.api / rate.bare);
  }
  const totals = (results) => {
    const seconds = results.reduce((sum, r) => sum + r.duration, 0);
    const requests = results.reduce((sum, r) => sum + r.requests.total, 0);
    return {
      connections: 20,
      roundSeconds,
      seconds,
      requests,
      perSecond: requests / seconds,
      failed: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
      perSecondPerRound: results.map((r) => Number((r.requests.total / r.duration).toFixed(0))),
      p99PerRound: results.map((r) => r.latency.p99),
    };
  };
  return { api: totals(runs.api), bare: totals(runs.bare), ratios, ratio: median(ratios) };
}

/** Smallest–largest of a list of figures, or the one figure. */
function spread(values) {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? `${low}` : `${low}–${high}`;
}

function runAutocannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
