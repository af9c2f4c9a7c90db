import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The upstream OpenStack API samples, vendored in `tools/fixtures/openstack-api-samples` (the team's shared
 * folder beside the repository as a fallback). `OPENSTACK_SAMPLES_DIR` overrides both.
 */
export function samplesDir(): string {
  const candidates = [
    process.env['OPENSTACK_SAMPLES_DIR'],
    // Vendored verbatim (Apache-2.0 data) so a clone anywhere is self-contained.
    resolve(__dirname, '../../../../tools/fixtures/openstack-api-samples'),
    resolve(__dirname, '../../../../../shared/openstack-api-samples'),
  ].filter((dir): dir is string => dir !== undefined);
  const found = candidates.find((dir) => existsSync(join(dir, 'README.md')));
  if (!found) throw new Error(`OpenStack API samples not found; looked in ${candidates.join(', ')}`);
  return found;
}

export function readSample(path: string): unknown {
  return JSON.parse(readFileSync(join(samplesDir(), path), 'utf8')) as unknown;
}

/** Every sample file, relative to the samples folder, sorted. */
export function listSamples(): string[] {
  const root = samplesDir();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.json') ? [relative(root, path)] : [];
    });
  return walk(root).sort();
}

/**
 * A sample that may not be vendored in the samples folder yet (the OS-TRUST ones): from there when it is, else from
 * this library's own copy in `src/testing/fixtures/openstack-api-samples`.
 */
export function readLibrarySample(path: string): unknown {
  const vendored = join(samplesDir(), path);
  const file = existsSync(vendored) ? vendored : resolve(__dirname, 'fixtures/openstack-api-samples', path);
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}
