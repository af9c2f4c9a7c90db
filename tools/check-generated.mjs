#!/usr/bin/env node
// Fails when the committed OpenAPI spec, or the console's client or the SDK generated from it, is stale: it regenerates both from
// the API's source and compares them with git. Run by `npm test`; fix a failure with the two commands below
// and commit what they write.
import { spawnSync } from 'node:child_process';

const GENERATED = ['apps/api/openapi.json', 'libs/api-client/src/generated', 'libs/sdk/src/generated'];
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env, ...options });
  if (result.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
  return result;
}

run('npx', ['nx', 'run', 'api:openapi', '--outputStyle=stream']);
run('npx', ['nx', 'run', 'api-client:generate', '--outputStyle=stream']);
run('npx', ['nx', 'run', 'sdk:generate', '--outputStyle=stream']);

// `git status` also reports generated files that are new (untracked) or deleted, which `git diff` alone misses.
const status = run('git', ['status', '--porcelain', '--untracked-files=all', '--', ...GENERATED], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
}).stdout.trim();

if (status) {
  console.error('\nThe committed OpenAPI spec, generated API client or SDK is out of date:\n');
  spawnSync('git', ['--no-pager', 'diff', '--stat', '--', ...GENERATED], { stdio: 'inherit' });
  console.error(`\n${status}\n`);
  console.error(
    'Regenerate with `npx nx run api:openapi && npx nx run api-client:generate && npx nx run sdk:generate` and commit the result.',
  );
  process.exit(1);
}
console.log('OpenAPI spec and generated API client are up to date.');
