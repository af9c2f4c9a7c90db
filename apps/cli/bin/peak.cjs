#!/usr/bin/env node
'use strict';
// The published package ships dist/peak.cjs; a fresh checkout of the workspace has none yet, so build it once.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const bundlePath = join(__dirname, '../dist/peak.cjs');

if (existsSync(bundlePath)) {
  require(bundlePath);
} else {
  import(pathToFileURL(join(__dirname, '../tools/build.mjs')).href)
    .then((builder) => builder.bundle())
    .then(() => require(bundlePath))
    .catch((error) => {
      process.stderr.write(`peak: could not build the CLI bundle: ${error && error.message ? error.message : error}\n`);
      process.exit(1);
    });
}
