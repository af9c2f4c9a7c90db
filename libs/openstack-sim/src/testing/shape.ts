import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The upstream API samples, vendored in `tools/fixtures/openstack-api-samples` (the team's shared folder beside the
 * repository as a fallback); `OPENSTACK_SAMPLES_DIR` overrides both.
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

export function readSample(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(samplesDir(), relativePath), 'utf8')) as unknown;
}

export interface ShapeOptions {
  /** Paths whose object keys are data, not schema (`metadata`, `extra_specs`, `addresses`): only the value types are compared. */
  maps?: string[];
}

type Kind = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

/**
 * Compares the shape of `actual` with an upstream `sample`: the same keys with the same JSON types, recursively.
 * Returns the distinct differences as `path: what`, e.g. `server.locked: missing`, `flavor.swap: string, sample number`.
 * `null` on either side matches any type (a nullable field). Each array element is compared with the sample
 * element it resembles most (samples mix kinds, e.g. `self` and `describedby` links).
 * Paths use `.` for keys and `[]` for array elements: `servers[].addresses`.
 */
export function compareShape(actual: unknown, sample: unknown, options: ShapeOptions = {}): string[] {
  const maps = options.maps ?? [];
  const isMap = (path: string) => maps.some((m) => path === m || path.endsWith(`.${m}`) || path.endsWith(`]${m}`));
  const walk = (a: unknown, s: unknown, path: string): string[] => {
    const ka = kindOf(a);
    const ks = kindOf(s);
    if (ka === 'null' || ks === 'null') return [];
    if (ka !== ks) return [`${path || '(root)'}: ${ka}, sample ${ks}`];
    if (ka === 'array') {
      const samples = s as unknown[];
      if (samples.length === 0) return [];
      return (a as unknown[]).flatMap((item) =>
        samples.map((candidate) => walk(item, candidate, `${path}[]`)).reduce((best, next) => (next.length < best.length ? next : best)),
      );
    }
    if (ka !== 'object') return [];
    const ao = a as Record<string, unknown>;
    const so = s as Record<string, unknown>;
    if (isMap(path)) {
      const [first] = Object.values(so);
      return first === undefined ? [] : Object.entries(ao).flatMap(([key, value]) => walk(value, first, `${path}.${key}`));
    }
    const at = (key: string) => (path ? `${path}.${key}` : key);
    return [
      ...Object.keys(so)
        .filter((key) => !(key in ao))
        .map((key) => `${at(key)}: missing`),
      ...Object.keys(ao).flatMap((key) => (key in so ? walk(ao[key], so[key], at(key)) : [`${at(key)}: not in sample`])),
    ];
  };
  return [...new Set(walk(actual, sample, ''))].sort();
}
