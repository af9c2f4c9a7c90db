#!/usr/bin/env node
// Bundles the CLI into apps/cli/dist/peak.cjs: one CommonJS file for Node, with the workspace's own libraries
// (@peak/sdk, @peak/openstack-client) bundled in and the npm packages (commander, yaml, undici) left as dependencies.
// bin/peak.cjs imports `bundle` to build it in the workspace when it is missing or older than its sources.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const libs = join(root, '../../libs');

export async function bundle() {
  const outfile = join(root, 'dist/peak.cjs');
  const result = await build({
    entryPoints: [join(root, 'src/main.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    alias: {
      '@peak/sdk/openstack': join(libs, 'sdk/src/openstack.ts'),
      '@peak/sdk': join(libs, 'sdk/src/index.ts'),
      '@peak/openstack-client': join(libs, 'openstack-client/src/index.ts'),
    },
    tsconfig: join(root, 'tsconfig.app.json'),
    legalComments: 'none',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  // Written aside and renamed, so that a `peak` started meanwhile reads the old bundle or the new one, never half.
  mkdirSync(dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}.tmp`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`built ${await bundle()}`);
}
