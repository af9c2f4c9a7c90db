#!/usr/bin/env node
// `npm start`: builds and runs the whole product on this machine.
// - Cloud: OS_CLOUD / OS_AUTH_URL when set; otherwise the built-in OpenStack simulator on 127.0.0.1:8700.
// - Database: DATABASE_URL when set; otherwise the API's embedded PostgreSQL (data in ./.data/pglite).
// - API on :8080 (Swagger UI at /docs), console on :5000 (proxying /v1 to the API).
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import { apiProcessEnv } from './api-env.mjs';
import { startWebServer } from './web-server.mjs';

const API_PORT = Number(process.env.PORT ?? 8080);
const WEB_PORT = Number(process.env.WEB_PORT ?? 5000);
const SIM_PORT = Number(process.env.SIM_PORT ?? 8700);
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

const children = [];
let web;
let stopping = false;

function log(message) {
  console.log(`[start] ${message}`);
}

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * The API logs one JSON object per line (for log collectors); a person at a terminal reads
 * `time LEVEL [context] message` better. LOG_FORMAT=json keeps the raw lines.
 */
function humanize(line) {
  if (process.env.LOG_FORMAT === 'json' || !line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line);
    const level = typeof entry.level === 'number' ? (LEVELS[entry.level] ?? entry.level) : String(entry.level ?? '').toUpperCase();
    const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : new Date(entry.time ?? Date.now()).toISOString().slice(11, 19);
    const context = entry.context ? ` [${entry.context}]` : '';
    // Request lines already say "GET /v1/x 200 8 ms"; an error line lacks the time, a bare one everything.
    const message = entry.msg ?? (entry.req ? `${entry.req.method} ${entry.req.url} ${entry.res?.statusCode ?? '?'}` : '');
    const took = entry.req && entry.responseTime !== undefined && !/ ms$/.test(message) ? ` (${entry.responseTime} ms)` : '';
    const error = entry.err?.message ? ` (${entry.err.message})` : '';
    return `${time} ${level.padEnd(5)}${context} ${message}${took}${error}`;
  } catch {
    return line;
  }
}

function pipeLines(stream, out) {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) out.write(`${humanize(line)}\n`);
  });
  stream.on('end', () => buffer && out.write(`${humanize(buffer)}\n`));
}

function run(name, args, env) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  pipeLines(child.stdout, process.stdout);
  pipeLines(child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(url, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    if (stopping) return;
    await sleep(250);
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  await web?.close();
  // API first (it may still be tearing VMs down on the simulator), then the simulator.
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!killed) {
      log(`${name} did not stop in 15 s; killing it`);
      child.kill('SIGKILL');
    }
  }
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

async function main() {
  log('building api, web and openstack-sim (cached after the first time)...');
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'api', 'web', 'openstack-sim', '--outputStyle=static'], {
    stdio: 'inherit',
    env: nxEnv,
  });
  if (build.status !== 0) throw new Error('build failed');

  const apiEnv = { ...apiProcessEnv(), PORT: String(API_PORT) };
  const useSimulator = !process.env.OS_CLOUD && !process.env.OS_AUTH_URL;
  if (useSimulator) {
    const simUrl = `http://127.0.0.1:${SIM_PORT}`;
    log(`no OS_CLOUD or OS_AUTH_URL: starting the OpenStack simulator on ${simUrl}`);
    run('openstack-sim', ['dist/apps/openstack-sim/main.js'], { ...process.env, SIM_HOST: '127.0.0.1', SIM_PORT: String(SIM_PORT) });
    await waitFor(`${simUrl}/identity`, 'the simulator');
    Object.assign(apiEnv, {
      OS_AUTH_URL: `${simUrl}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
      PEAK_BUILT_IN_SIMULATOR: 'true',
    });
  } else {
    log(`using the cloud from ${process.env.OS_CLOUD ? `OS_CLOUD=${process.env.OS_CLOUD}` : `OS_AUTH_URL=${process.env.OS_AUTH_URL}`}`);
  }
  if (!process.env.DATABASE_URL) {
    const where = resolve(process.env.EMBEDDED_DB_DIR ?? '.data/pglite');
    if (useSimulator) log(`no DATABASE_URL: the API uses its embedded PostgreSQL (data in ${where})`);
    else {
      // A real cloud with a laptop's database: say so loudly. The installation id keeps the two apart on the cloud.
      log(`WARNING: a real cloud and no DATABASE_URL: schedules and run history are kept ONLY on this machine, in ${where}.`);
      log('This is a separate installation: it never lists, adopts or deletes VMs of another installation (e.g. production).');
      log('To run against your shared database, set DATABASE_URL=postgres://user:password@host:5432/peak');
    }
  }

  run('api', ['dist/apps/api/main.js'], apiEnv);
  await waitFor(`http://127.0.0.1:${API_PORT}/v1/health`, 'the API', 120_000);

  web = await startWebServer({
    root: 'dist/apps/web/browser',
    apiUrl: `http://127.0.0.1:${API_PORT}`,
    port: WEB_PORT,
    host: process.env.WEB_HOST ?? '127.0.0.1',
  });

  const lines = [
    '',
    'Peak Scheduler is running:',
    `  console      ${web.url}`,
    `  API          http://localhost:${API_PORT}/v1`,
    `  Swagger UI   http://localhost:${API_PORT}/docs   (OpenAPI JSON at /docs-json)`,
  ];
  if (useSimulator) {
    lines.push(
      `  simulator    http://127.0.0.1:${SIM_PORT}   (Keystone at /identity/v3)`,
      '',
      'Demo credentials (simulated cloud, domain Default):',
      "  admin  / secret   project admin   role admin   (cloud admin: every project's schedules)",
      '  demo   / secret   project demo    role member  (schedules VMs in demo, through a Keystone trust)',
      '  viewer / secret   project admin   role reader  (read only)',
      '',
      'Try the real OpenStack CLI against it:',
      `  OS_AUTH_URL=http://127.0.0.1:${SIM_PORT}/identity/v3 OS_USERNAME=admin OS_PASSWORD=secret OS_PROJECT_NAME=admin \\`,
      '  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default openstack flavor list',
    );
  }
  lines.push('', 'Ctrl-C stops everything.', '');
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  void stop(1);
});
