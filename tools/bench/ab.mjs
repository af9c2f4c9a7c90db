#!/usr/bin/env node
// `npm run bench:ab -- DIR...`: the throughput of `GET /v1/schedules?limit=50` on several builds of the API side by
// side, in rounds taken in turn, so that what the machine can serve drifts alike for all of them. Each DIR holds a
// built API (a copy of dist/apps/api inside this repository, e.g. tmp/ab/before, so that its packages resolve from
// node_modules). All of them run at once on one fresh database and one simulator (from dist/), on 127.0.0.1.
//
// The first DIR's process starts first and so becomes the engine's leader; the schedules are created through the
// processes named by --write-via. A process's state, not only its code, sets its cost per request: give each build
// the same role (or run the same build twice, in two roles) before comparing them.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keystoneLogin, pickBootReferences } from './lib/openstack.mjs';
import { cpuSeconds, freePort, startNode, stopProcess, waitForHttp } from './lib/processes.mjs';
import { BENCH_NETWORK, benchApiEnv, startSimulator } from './lib/stack.mjs';
import { median } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const postgres = require('../../libs/testing/src/postgres.cjs');
const autocannon = require('autocannon');

const USAGE = `npm run bench:ab -- [options] DIR...

  --rounds N        rounds per build, taken in turn (default 8)
  --seconds N       length of a round (default 2)
  --creates N       schedules created through the API before the rounds (default 120)
  --write-via LIST  comma-separated indexes of the builds that take those creates (default 0, the leader)

Prints, for each build, the median throughput (autocannon, 20 connections, with a token) and the median CPU time of
its process per request (from /proc), with every round's throughput.
Needs PostgreSQL at TEST_DATABASE_URL and a built simulator (dist/apps/openstack-sim).`;

const { values: args, positionals: dirs } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '2' },
    creates: { type: 'string', default: '120' },
    'write-via': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help || dirs.length === 0) {
  console.log(USAGE);
  process.exit(args.help ? 0 : 2);
}
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const creates = Number(args.creates);
const writeVia = args['write-via'].split(',').map(Number);
for (const [name, value] of [
  ['--rounds', rounds],
  ['--seconds', seconds],
  ['--creates', creates],
])
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: a whole number, got ${value}`);
if (writeVia.some((i) => !Number.isInteger(i) || i < 0 || i >= dirs.length))
  throw new Error(`--write-via: indexes of the ${dirs.length} build(s) given, got ${args['write-via']}`);
for (const dir of dirs) if (!existsSync(join(dir, 'main.js'))) throw new Error(`${dir}: no main.js (copy dist/apps/api there)`);

const LOGS = 'tmp/bench-ab';
const processes = [];
let db;

async function main() {
  mkdirSync(LOGS, { recursive: true });
  db = await postgres.createTestDatabase({ adminUrl: postgres.adminUrl(), embedded: false }, 'bench_ab');
  const simulator = await startSimulator(LOGS);
  processes.push(simulator.proc);
  const simUrl = simulator.url;

  const builds = [];
  for (const [i, dir] of dirs.entries()) {
    const port = await freePort();
    const env = benchApiEnv({ port, databaseUrl: db.url, simUrl });
    const proc = startNode(`api ${i} (${dir})`, join(dir, 'main.js'), env, `${LOGS}/api-${i}.log`);
    processes.push(proc);
    // One after the other: the first to be ready is the engine's leader.
    await waitForHttp(proc, `http://127.0.0.1:${port}/v1/health/ready`);
    builds.push({ dir, base: `http://127.0.0.1:${port}`, pid: proc.child.pid, rates: [], cpuMicros: [] });
  }

  const keystone = await keystoneLogin(`${simUrl}/identity/v3`);
  const refs = await pickBootReferences(keystone.catalog, keystone.token, BENCH_NETWORK.name);
  const headers = { 'X-Auth-Token': keystone.token };
  // A month ahead, one a minute: none of them starts during the run.
  const firstStart = Date.now() + 30 * 24 * 3600_000;
  for (let i = 0; i < creates; i++) {
    const startAt = firstStart + i * 60_000;
    const body = {
      name: `ab-${i}`,
      imageId: refs.imageId,
      flavorId: refs.flavorId,
      networkIds: [refs.networkId],
      instanceCount: 1,
      window: { type: 'once', startAt: new Date(startAt).toISOString(), endAt: new Date(startAt + 3600_000).toISOString() },
    };
    const answer = await fetch(`${builds[writeVia[i % writeVia.length]].base}/v1/schedules`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 201) throw new Error(`POST /v1/schedules: ${answer.status} ${await answer.text()}`);
  }

  const cannon = (url, duration) =>
    new Promise((resolve, reject) =>
      autocannon({ url, connections: 20, duration, headers }, (error, result) => (error ? reject(error) : resolve(result))),
    );
  for (const build of builds) await cannon(`${build.base}/v1/schedules?limit=50`, 3);
  for (let round = 0; round < rounds; round++) {
    // Every other round in reverse order, so that no build always follows the same one.
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const cpuBefore = cpuSeconds(build.pid);
      const result = await cannon(`${build.base}/v1/schedules?limit=50`, seconds);
      const cpu = cpuSeconds(build.pid) - cpuBefore;
      const failed = result.errors + result.timeouts + result.non2xx;
      if (failed > 0 || result.requests.total === 0) throw new Error(`${build.dir}: ${failed} failed requests in round ${round + 1}`);
      build.rates.push(result.requests.total / seconds);
      build.cpuMicros.push((cpu * 1e6) / result.requests.total);
    }
  }
  for (const [i, build] of builds.entries()) {
    const role = [i === 0 ? 'leader' : null, writeVia.includes(i) ? 'took the creates' : null].filter(Boolean).join(', ') || 'reads only';
    console.log(
      `${build.dir} (${role}): ${median(build.rates).toFixed(0)} req/s, CPU per request ${median(build.cpuMicros).toFixed(1)} µs; ` +
        `rounds ${build.rates.map((rate) => rate.toFixed(0)).join(' ')}`,
    );
  }
}

/** Stops what was started, last first, and drops the database; a signal and the end share one clean-up. */
let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    for (const proc of [...processes].reverse()) await stopProcess(proc);
    await db?.drop();
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanUp().then(() => process.exit(130)));
try {
  await main();
} finally {
  await cleanUp();
}
