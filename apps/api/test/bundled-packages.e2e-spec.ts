import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_MAIN } from '@peak/testing';

// The packages the build bundles (see the file), shared with webpack.config.js.
const BUNDLED: readonly string[] = require('../bundled-packages.cjs');

/**
 * The build bundles a few packages into main.js (apps/api/bundled-packages.cjs). Were one of them also required by a
 * package that stays in node_modules, Node would load it from there as well, from the file its name resolves to: a
 * second copy, in memory twice (and, for @nestjs/swagger, a second store of metadata). The whole app is loaded, as
 * `--export-openapi` does (every module of AppModule), and every file Node loaded is read from its module cache at exit.
 */
describe('the packages bundled into main.js', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'peak-bundled-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are loaded from main.js only, never a second time from node_modules', () => {
    const record = join(dir, 'record-modules.cjs');
    const modules = join(dir, 'modules.json');
    writeFileSync(
      record,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(modules)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const result = spawnSync(process.execPath, ['--require', record, API_MAIN, '--export-openapi', join(dir, 'openapi.json')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const loaded = new Set(JSON.parse(readFileSync(modules, 'utf8')) as string[]);
    // The record holds the packages that stay in node_modules (so that an empty one cannot pass)...
    expect([...loaded]).toEqual(expect.arrayContaining([require.resolve('@nestjs/core'), require.resolve('typeorm')]));
    // ...and none of the bundled ones.
    expect(BUNDLED.filter((name) => loaded.has(require.resolve(name)))).toEqual([]);
  });
});
