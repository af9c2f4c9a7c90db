#!/usr/bin/env node
// `npm test`: every check CI runs, in order, failing on the first error.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const steps = [
  ['formatting (Prettier; `npm run format` fixes it)', 'npx', ['prettier', '--check', '.', '--log-level=warn']],
  [
    'lint, type check, unit and integration tests',
    'npx',
    ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2', '--outputStyle=stream'],
  ],
  ['generated OpenAPI spec and API client are current', 'node', ['tools/check-generated.mjs']],
  [
    'OpenAPI lint (Spectral, every rule of its OpenAPI ruleset, zero warnings; .spectral.yaml)',
    'npx',
    ['spectral', 'lint', 'apps/api/openapi.json', '--ruleset', '.spectral.yaml', '--fail-severity=warn'],
  ],
  [
    'engine as real processes (SIGKILL, kill-loop, two replicas, two installations, lease fencing, dispatch)',
    'npx',
    ['nx', 'e2e', 'api', '--outputStyle=stream'],
  ],
  [
    'the SDK and the peak CLI against the built API (the SDK also as a built package: ESM, CommonJS, declarations)',
    'npx',
    ['nx', 'run-many', '-t', 'e2e', '-p', 'sdk', 'cli', '--parallel=1', '--outputStyle=stream'],
  ],
  // After the process tests: their `nx e2e api` has built the API, so this step's build is a cache hit.
  ['the API on Node 24 (its jest suite, the built API started and stopped)', 'node', ['tools/node24/run.mjs']],
  ['the load generator of the benchmarks, against node:http servers', 'node', ['--test', 'tools/bench/lib/']],
  // Also after the process tests: the API and the simulator it starts are cache hits of their builds.
  ['benchmark smoke run (every scenario at a tiny size; targets printed, not enforced)', 'npm', ['run', 'bench', '--', '--smoke']],
  ['console end-to-end tests in Chromium', 'npx', ['nx', 'e2e', 'web-e2e', '--outputStyle=stream']],
];

for (const [title, cmd, args] of steps) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}\n`);
  const started = Date.now();
  const { status } = spawnSync(cmd, args, { stdio: 'inherit', env });
  console.log(`=== ${title}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (status !== 0) process.exit(status ?? 1);
}
