#!/usr/bin/env node
// `npm run bench:cloud`: N VMs ACTIVE on the real OpenStack harness (../shared/real-openstack: Keystone, Nova with the
// fake driver, Glance, Neutron on 127.0.0.1), three ways in one run, in one project, one after the other:
//   1. our engine: a one-off schedule of N VMs, from its planned start to the last VM seen ACTIVE;
//   2. Nova's own batch: `openstack server create --min N --max N --wait`, from the CLI's start plus its measured
//      start-up (subtracted) to its exit, and to the last of the N seen ACTIVE (--wait waits for one server only);
//   3. the sequential create-and-wait loop the seed ran.
// Prints the figures and their ratios, and writes docs/benchmarks-cloud.md (for the default N).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiClient } from './lib/api.mjs';
import { endpointOf, keystoneLogin, osEnvOf, sequentialCreateAndWait } from './lib/openstack.mjs';
import { freePort, startNode, stopProcess, waitForHttp } from './lib/processes.mjs';
import { describeMachine, renderTable } from './lib/report.mjs';
import { fmtMs, median } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const postgres = require('../../libs/testing/src/postgres.cjs');

const USAGE = `npm run bench:cloud [-- options]

  --vms N         VMs of each way (default 10: the harness's instance quota per project)
  --skip-build    use the API already in dist/ (default: build it first)
  --out FILE      where to write the report ("-" for none; default docs/benchmarks-cloud.md when N is the default)

Needs the real OpenStack harness up (as root: ../shared/real-openstack/up.sh; down.sh stops it), its admin project
without servers, the \`openstack\` CLI (Debian: python3-openstackclient), and PostgreSQL at TEST_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/postgres). REAL_OPENSTACK_AUTH_URL overrides http://127.0.0.1:5050/v3.`;

const { values: args } = parseArgs({
  options: {
    vms: { type: 'string', default: '10' },
    'skip-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const N = Number(args.vms);
if (!Number.isInteger(N) || N < 1) throw new Error(`--vms must be a whole number of at least 1, not ${args.vms}`);
const out = args.out ?? (N === 10 ? 'docs/benchmarks-cloud.md' : '-');
const AUTH_URL = process.env.REAL_OPENSTACK_AUTH_URL ?? 'http://127.0.0.1:5050/v3';
const ARTIFACTS = 'tmp/bench';
/** What the harness's up.sh creates: a tiny image and flavor, and the shared network admins may boot on. */
const BOOT = { image: 'cirros-tiny', flavor: 'm1.tiny', network: 'public' };
/** How often we look whether a way's VMs are all ACTIVE (the instant itself is Nova's record, not our look). */
const POLL_MS = 1000;
/** The sequential loop's own poll of the VM it waits for (the figure the seed-style loop has in the other benchmark). */
const SEQUENTIAL_POLL_MS = 250;
const started = new Date();
const stamp = started.getTime().toString(36);
const log = (message) => console.log(`[bench:cloud ${((Date.now() - started.getTime()) / 1000).toFixed(1).padStart(6)} s] ${message}`);

/** The harness's admin, as its openrc sets it, for the CLI and the API alike. */
const osEnv = osEnvOf(AUTH_URL);

let api;
let db;
/** Set once the harness answered and its admin project was found empty: every server in it is then this run's. */
let nova;
let flavorsBefore;

/** Nova over plain HTTP with the admin token, at a microversion that filters by tags (2.26+). */
class Nova {
  constructor(url, token) {
    this.url = url;
    this.headers = { 'X-Auth-Token': token, 'OpenStack-API-Version': 'compute 2.26', 'Content-Type': 'application/json' };
  }

  async call(method, path, body) {
    const res = await fetch(`${this.url}${path}`, { method, headers: this.headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok && res.status !== 404) throw new Error(`Nova ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** The project's servers not being deleted, optionally only those whose query (tags=..., name=...) matches. */
  async servers(query = '') {
    const { servers } = await this.call('GET', `/servers/detail${query ? `?${query}` : ''}`);
    return servers.filter((s) => s['OS-EXT-STS:task_state'] !== 'deleting');
  }

  /**
   * Polls (every POLL_MS) until `count` servers of `query` are ACTIVE, then answers when the last of them went ACTIVE
   * by Nova's own record (`OS-SRV-USG:launched_at`, microseconds, UTC): our polling adds neither its interval nor
   * its load on nova-api (two workers on the harness) to the figure.
   */
  async lastLaunchedAt(query, count, timeoutMs = 300_000) {
    for (const deadline = Date.now() + timeoutMs; ; ) {
      const servers = await this.servers(query);
      const failed = servers.find((s) => s.status === 'ERROR');
      if (failed) throw new Error(`server ${failed.id} went ERROR: ${failed.fault?.message ?? 'no fault given'}`);
      if (servers.length >= count && servers.every((s) => s.status === 'ACTIVE'))
        return {
          launched: Math.max(...servers.map((s) => Date.parse(`${s['OS-SRV-USG:launched_at']}Z`))),
          // When Nova recorded the last of the servers (its `created`, whole seconds): the creates' spread.
          lastCreated: Math.max(...servers.map((s) => Date.parse(s.created))),
        };
      if (Date.now() > deadline) throw new Error(`${count} servers (${query}) not all ACTIVE within ${timeoutMs / 1000} s`);
      await sleep(POLL_MS);
    }
  }

  /** Deletes the servers of `query` (all of the project's when empty) and waits until Nova lists none of them. */
  async removeAll(query = '', timeoutMs = 300_000) {
    for (const s of await this.servers(query)) await this.call('DELETE', `/servers/${s.id}`);
    for (const deadline = Date.now() + timeoutMs; ; ) {
      const { servers } = await this.call('GET', `/servers${query ? `?${query}` : ''}`);
      if (servers.length === 0) return;
      if (Date.now() > deadline) throw new Error(`servers (${query || 'all'}) still there ${timeoutMs / 1000} s after their delete`);
      await sleep(POLL_MS);
    }
  }
}

/** The `openstack` CLI's own start-up (interpreter, plugins, argument parsing: no request), median of 3. */
function cliStartupMs() {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const run = spawnSync('openstack', ['server', 'create', '--help'], { env: { ...process.env, ...osEnv }, stdio: 'ignore' });
    if (run.error || run.status !== 0)
      throw new Error(`openstack server create --help failed: ${run.error?.message ?? `exit ${run.status}`}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * nova-api's workers answered their first `POST /servers` after the harness started in about 5 s, later ones in
 * about 1.3 s: whichever way ran first would pay for it. Two creates at once (the harness runs two workers), deleted
 * again, before any way is measured.
 */
async function warmUp(nova, refs) {
  const name = `peak-bench-warmup-${stamp}`;
  log('warm-up: two servers at once, then deleted');
  const server = (i) => ({
    server: { name: `${name}-${i}`, imageRef: refs.imageId, flavorRef: refs.flavorId, networks: [{ uuid: refs.networkId }] },
  });
  await Promise.all([nova.call('POST', '/servers', server(1)), nova.call('POST', '/servers', server(2))]);
  await nova.lastLaunchedAt(`name=^${name}`, 2);
  await nova.removeAll(`name=^${name}`);
}

async function engineWay(nova, client, refs) {
  const plannedAt = Math.ceil(Date.now() / 1000) * 1000 + 10_000;
  const schedule = await client.ok('POST', '/v1/schedules', {
    name: `peak-bench-cloud-${stamp}`,
    imageId: refs.imageId,
    flavorId: refs.flavorId,
    networkIds: [refs.networkId],
    instanceCount: N,
    timeZone: 'UTC',
    leadTimeMinutes: 0,
    window: { type: 'once', startAt: new Date(plannedAt).toISOString(), endAt: new Date(plannedAt + 30 * 60_000).toISOString() },
  });
  log(`engine: schedule ${schedule.id} (${N} VMs) starts at ${new Date(plannedAt).toISOString()}`);
  const query = `tags=peak-schedule:${schedule.id}`;
  const last = await nova.lastLaunchedAt(query, N);
  const ms = last.launched - plannedAt;
  const lastCreatedMs = last.lastCreated - plannedAt;
  log(`engine: ${N} ACTIVE ${fmtMs(ms)} after the planned start; deleting the schedule (the engine removes its VMs)`);
  await client.ok('DELETE', `/v1/schedules/${schedule.id}`);
  await nova.removeAll(query);
  return { ms, lastCreatedMs };
}

async function batchWay(nova, startupMs) {
  const name = `peak-bench-multi-${stamp}`;
  const argv = ['server', 'create', '--image', BOOT.image, '--flavor', BOOT.flavor, '--network', BOOT.network];
  argv.push('--min', String(N), '--max', String(N), '--wait', '-f', 'value', '-c', 'id', name);
  log(`batch: openstack ${argv.join(' ')}`);
  const spawnedAt = Date.now();
  const cli = spawn('openstack', argv, { env: { ...process.env, ...osEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  cli.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => cli.once('exit', (code) => resolve({ code, at: Date.now() })));
  // Nova names the servers of a batch `<name>-1` ... `<name>-N`; `name` is a regular expression.
  const query = `name=^${name}`;
  const [activeAt, exit] = await Promise.all([nova.lastLaunchedAt(query, N), exited]);
  if (exit.code !== 0) throw new Error(`openstack server create exited ${exit.code}: ${stderr.trim().slice(0, 500)}`);
  const firstRequestAt = spawnedAt + startupMs;
  const result = {
    cliMs: exit.at - firstRequestAt,
    allActiveMs: activeAt.launched - firstRequestAt,
    lastCreatedMs: activeAt.lastCreated - firstRequestAt,
  };
  log(`batch: the CLI returned ${fmtMs(result.cliMs)} after its start-up, all ${N} ACTIVE at ${fmtMs(result.allActiveMs)}`);
  await nova.removeAll(query);
  return result;
}

async function sequentialWay(nova, token, refs) {
  const namePrefix = `peak-bench-seq-${stamp}`;
  log(`sequential: ${N} VMs, one after the other`);
  const t0 = Date.now();
  await sequentialCreateAndWait({ computeUrl: nova.url, token, refs, count: N, namePrefix, pollMs: SEQUENTIAL_POLL_MS });
  const ms = (await nova.lastLaunchedAt(`name=^${namePrefix}`, N)).launched - t0;
  log(`sequential: ${N} ACTIVE after ${fmtMs(ms)}`);
  await nova.removeAll(`name=^${namePrefix}`);
  return { ms };
}

async function main() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const loadBefore = loadavg()[0].toFixed(2);
  let keystone;
  try {
    keystone = await keystoneLogin(AUTH_URL);
  } catch (error) {
    throw new Error(
      `the real OpenStack harness does not answer at ${AUTH_URL} (${error.message}); as root: ../shared/real-openstack/up.sh`,
    );
  }
  const compute = new Nova(endpointOf(keystone.catalog, 'compute'), keystone.token);
  const already = await compute.servers();
  if (already.length > 0)
    throw new Error(
      `the admin project already has ${already.length} server(s) (${already.map((s) => s.name).join(', ')}): the ways need its quota`,
    );
  nova = compute;
  const idNamed = async (url, key, name) => {
    const body = await (await fetch(`${url}?name=${encodeURIComponent(name)}`, { headers: { 'X-Auth-Token': keystone.token } })).json();
    const id = body[key]?.[0]?.id;
    if (!id) throw new Error(`the harness has no ${key.slice(0, -1)} named ${name}`);
    return id;
  };
  const flavor = (await nova.call('GET', '/flavors')).flavors.find((f) => f.name === BOOT.flavor);
  if (!flavor) throw new Error(`the harness has no flavor ${BOOT.flavor}`);
  const refs = {
    imageId: await idNamed(`${endpointOf(keystone.catalog, 'image')}/v2/images`, 'images', BOOT.image),
    flavorId: flavor.id,
    networkId: await idNamed(`${endpointOf(keystone.catalog, 'network')}/v2.0/networks`, 'networks', BOOT.network),
  };
  flavorsBefore = new Set((await nova.call('GET', '/flavors?is_public=None')).flavors.map((f) => f.id));

  if (!args['skip-build']) {
    log('building api');
    const build = spawnSync('npx', ['nx', 'run', 'api:build', '--outputStyle=static'], {
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    });
    if (build.status !== 0) throw new Error('build failed');
  }
  const adminUrl = postgres.adminUrl();
  if (!(await postgres.canConnect(adminUrl))) throw new Error(`no PostgreSQL at ${adminUrl} (set TEST_DATABASE_URL)`);
  db = await postgres.createTestDatabase({ adminUrl, embedded: false }, 'bench_cloud');
  const postgresVersion = await postgres.withClient(adminUrl, async (c) => (await c.query('SHOW server_version')).rows[0].server_version);
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const logFile = `${ARTIFACTS}/api-cloud.log`;
  // The product's default engine settings, on the harness as an operator's clouds.yaml would point it.
  api = startNode(
    'api',
    'dist/apps/api/main.js',
    {
      ...process.env,
      ...osEnv,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: db.url,
      READINESS_REQUIRES_CLOUD: 'true',
    },
    logFile,
  );
  await waitForHttp(api, `${apiUrl}/v1/health/ready`, { timeoutMs: 180_000 });
  log(`API on ${apiUrl} (its JSON log is in ${logFile})`);
  const client = new ApiClient(apiUrl, keystone.token);

  const startupMs = cliStartupMs();
  log(`the openstack CLI starts in ${fmtMs(startupMs)} (median of 3 runs of \`openstack server create --help\`)`);
  await warmUp(nova, refs);
  const engine = await engineWay(nova, client, refs);
  const batch = await batchWay(nova, startupMs);
  const sequential = await sequentialWay(nova, keystone.token, refs);

  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  const rows = [
    {
      scenario: 'C',
      figure: `our engine, ${N} VMs: planned start to all ACTIVE`,
      measured: fmtMs(engine.ms),
      note: `default engine settings; Nova recorded the last server ${fmtMs(engine.lastCreatedMs)} after the planned start`,
    },
    {
      scenario: 'C',
      figure: `Nova multi-create (--min ${N} --max ${N} --wait): all ${N} ACTIVE`,
      measured: fmtMs(batch.allActiveMs),
      note: `from the CLI's first request (its start-up, ${fmtMs(startupMs)}, subtracted); Nova recorded the last server at ${fmtMs(batch.lastCreatedMs)}`,
    },
    {
      scenario: 'C',
      figure: 'Nova multi-create: the CLI returns',
      measured: fmtMs(batch.cliMs),
      note: '--wait waits for the first server only, polling every 2 s',
    },
    {
      scenario: 'C',
      figure: `sequential create-and-wait, ${N} VMs`,
      measured: fmtMs(sequential.ms),
      note: `each VM polled every ${SEQUENTIAL_POLL_MS} ms before the next is created`,
    },
    { scenario: 'C', figure: 'sequential / our engine', measured: ratio(sequential.ms, engine.ms) },
    {
      scenario: 'C',
      figure: 'Nova multi-create (all ACTIVE) / our engine',
      measured: ratio(batch.allActiveMs, engine.ms),
      note: 'above 1: the engine is faster',
    },
    { scenario: 'C', figure: 'sequential / Nova multi-create (all ACTIVE)', measured: ratio(sequential.ms, batch.allActiveMs) },
  ];
  const machine = { ...describeMachine(postgresVersion), loadBefore, loadAfter: loadavg()[0].toFixed(2) };
  console.log(`\n${renderTable(rows)}\n`);
  console.log(`machine: ${machine.summary}; load average ${machine.loadBefore} before, ${machine.loadAfter} after`);
  if (out !== '-') {
    writeFileSync(out, renderReport(rows, machine, { engine, batch, sequential, startupMs, vms: N }));
    log(`wrote ${out}`);
  }
}

function renderReport(rows, machine, raw) {
  const md = (text) => String(text ?? '').replace(/\|/g, '\\|');
  return `# Benchmark on the real cloud

Produced by \`npm run bench:cloud\` (see the README's *Benchmarks* section); rewritten by every run with the default
N. One run against the real OpenStack harness (\`../shared/real-openstack\`: Keystone, Nova 26 (Zed) with the fake virt
driver, Glance, Neutron, all on 127.0.0.1), in its admin project (quota: 10 instances), booting \`${BOOT.image}\` on
\`${BOOT.flavor}\` and the \`${BOOT.network}\` network. The three ways run one after the other, each from an empty
project; a way's VMs are deleted before the next starts. Two servers are created and deleted before the first way,
so that no way pays for nova-api's first requests (its workers answer their first \`POST /servers\` in about 5 s,
later ones in about 1.3 s).

- **Run**: ${started.toISOString()}
- **Machine**: ${machine.cpu}, ${machine.memory} RAM, ${machine.os}
- **Software**: Node ${machine.node}, PostgreSQL ${machine.postgres}, commit ${machine.commit}
- **Load average** (1 min) before the run: ${machine.loadBefore}, after: ${machine.loadAfter}

| figure | measured | note |
| --- | --- | --- |
${rows.map((r) => `| ${md(r.figure)} | ${md(r.measured)} | ${md(r.note)} |`).join('\n')}

## How each figure is measured

Every "all ACTIVE" instant is Nova's own: the largest \`OS-SRV-USG:launched_at\` (microseconds) of the way's N
servers, read once a look (every ${POLL_MS / 1000} s) finds them all ACTIVE, so neither our polling interval nor its load on
nova-api (two workers on the harness) is part of a figure.

- **Our engine.** The API from \`dist/\` with its default engine settings, on a fresh database of the local
  PostgreSQL. A one-off schedule of N VMs, lead time 0, starting at a whole second about 10 s after it is created.
  From that planned start to the last VM ACTIVE: the engine's wake-up, its N creates (\`POST /servers\` each, at
  most \`ENGINE_CONCURRENCY\` at once) and Nova's builds.
- **Nova's multi-create.** \`openstack server create --min N --max N --wait\`: one request for all N. The CLI's
  start-up (Python, its plugins, argument parsing) is measured apart, as the median of three runs of
  \`openstack server create --help\`, and subtracted: its first request is taken to leave that long after its spawn.
  From there to the last of the batch's servers (Nova names them \`<name>-1\` to \`<name>-N\`) ACTIVE. "The CLI
  returns" is its exit: its \`--wait\` waits only for the server the answer names, polling every 2 s.
- **Sequential.** What the seed did: create one VM, poll it every ${SEQUENTIAL_POLL_MS} ms until ACTIVE, then the
  next. From the first request to the last VM ACTIVE.

## Raw figures

\`\`\`json
${JSON.stringify(raw, null, 2)}
\`\`\`
`;
}

main()
  .catch((error) => {
    console.error(`bench:cloud failed: ${error.stack ?? error.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopProcess(api);
    await db?.drop().catch((error) => log(`could not drop ${db.name}: ${error.message}`));
    if (!nova) return;
    // Leave the harness as it was: no server of a way that failed half way, and not the managed flavors the API's
    // start-up made (they are the product's, not the harness's).
    await nova.removeAll().catch((error) => log(`could not remove this run's servers: ${error.message}`));
    for (const f of (await nova.call('GET', '/flavors?is_public=None')).flavors)
      if (!flavorsBefore.has(f.id))
        await nova.call('DELETE', `/flavors/${f.id}`).catch((error) => log(`could not delete flavor ${f.name}: ${error.message}`));
  });
