#!/usr/bin/env node
// Builds the publishable package into libs/sdk/dist: ESM (.js) and CommonJS (.cjs) bundles of both entry points,
// and their type declarations. The workspace's own libraries (@peak/openstack-client) are bundled in; npm packages
// (yaml, undici) stay dependencies.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const mainEntryExternal = {
  name: 'main-entry-external',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/peak-client$/ }, () => ({ path: '@peak-scheduler/sdk', external: true }));
  },
};

const entries = { index: 'src/index.ts', openstack: 'src/openstack.ts' };
for (const [name, entry] of Object.entries(entries)) {
  for (const format of ['esm', 'cjs']) {
    await build({
      entryPoints: [join(root, entry)],
      outfile: join(dist, `${name}.${format === 'esm' ? 'js' : 'cjs'}`),
      bundle: true,
      format,
      // The main entry is fetch-only (browsers too); the openstack one reads files and speaks HTTPS through undici.
      platform: name === 'index' ? 'neutral' : 'node',
      target: 'es2022',
      packages: 'external',
      alias: { '@peak/openstack-client': join(root, '../openstack-client/src/index.ts') },
      tsconfig: join(root, 'tsconfig.lib.json'),
      legalComments: 'none',
      // The openstack entry uses the main entry's PeakClient (one class, so `instanceof` holds across both).
      plugins: name === 'index' ? [] : [mainEntryExternal],
      logLevel: 'warning',
    });
  }
}

const types = join(dist, 'types');
const tsc = spawnSync(
  'npx',
  [
    'tsc',
    '-p',
    join(root, 'tsconfig.lib.json'),
    '--emitDeclarationOnly',
    '--declaration',
    '--noEmit',
    'false',
    '--outDir',
    join(types, 'esm'),
  ],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Node's ESM resolution (TypeScript's `node16`/`nodenext`) needs explicit extensions in relative imports, also in
// declarations; and a CommonJS consumer needs declarations that are CommonJS: the same files beside a package.json
// saying so (the package itself is `"type": "module"`).
const declarations = join(types, 'esm/libs/sdk/src');
rmSync(join(types, 'esm/libs/openstack-client'), { recursive: true, force: true });
for (const file of readdirSync(declarations, { recursive: true })) {
  if (!file.endsWith('.d.ts')) continue;
  const path = join(declarations, file);
  const withExtensions = readFileSync(path, 'utf8').replace(
    /((?:from|import\()\s*['"])(\.{1,2}\/[^'"]*)(['"])/g,
    (_, head, specifier, tail) => {
      const target = join(dirname(path), specifier);
      const resolved = existsSync(`${target}.d.ts`)
        ? `${specifier}.js`
        : existsSync(join(target, 'index.d.ts'))
          ? `${specifier}/index.js`
          : specifier;
      return `${head}${resolved}${tail}`;
    },
  );
  writeFileSync(path, withExtensions);
}
cpSync(join(types, 'esm'), join(types, 'cjs'), { recursive: true });
writeFileSync(join(types, 'cjs/package.json'), '{ "type": "commonjs" }\n');
console.log(`built ${dist}`);
