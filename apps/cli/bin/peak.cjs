#!/usr/bin/env node
'use strict';
// Runs the bundle, dist/peak.cjs. The published package ships it; in the workspace (where tools/ exists) it is
// built here when missing, or when a source it is made from changed since, so `npx peak` never runs stale code.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const bundlePath = join(root, 'dist/peak.cjs');
const builder = join(root, 'tools/build.mjs');

function newestSource() {
  const sources = [
    join(root, 'src'),
    join(root, 'package.json'),
    join(root, '../../libs/sdk/src'),
    join(root, '../../libs/openstack-client/src'),
  ];
  let newest = 0;
  for (const source of sources) {
    if (!existsSync(source)) continue;
    const stat = statSync(source);
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      continue;
    }
    for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts'))
        newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function stale() {
  if (!existsSync(bundlePath)) return true;
  return existsSync(builder) && newestSource() > statSync(bundlePath).mtimeMs;
}

if (!stale()) {
  require(bundlePath);
} else {
  import(pathToFileURL(builder).href)
    .then((tools) => tools.bundle())
    .then(() => require(bundlePath))
    .catch((error) => {
      process.stderr.write(`peak: could not build the CLI bundle: ${error && error.message ? error.message : error}\n`);
      process.exit(1);
    });
}
