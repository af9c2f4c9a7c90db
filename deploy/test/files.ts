import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const DEPLOY = join(ROOT, 'deploy');
export const KUBERNETES = join(DEPLOY, 'kubernetes');

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A Kubernetes object as read from a manifest, with the file it came from. */
export interface Manifest {
  file: string;
  object: Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
}

export function manifestFiles(): string[] {
  return readdirSync(KUBERNETES)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

/** Every document of every manifest; a YAML error or warning, or an object without apiVersion/kind/name, throws. */
export function loadManifests(): Manifest[] {
  return manifestFiles().flatMap((file) =>
    parseAllDocuments(read(join(KUBERNETES, file)), { prettyErrors: true, uniqueKeys: true }).flatMap((document, index) => {
      const problems = [...document.errors, ...document.warnings];
      if (problems.length > 0) throw new Error(`${file} document ${index + 1}: ${problems.map((problem) => problem.message).join('; ')}`);
      const object: unknown = document.toJS();
      if (object === null || object === undefined) return [];
      if (typeof object !== 'object' || Array.isArray(object)) throw new Error(`${file} document ${index + 1} is not an object`);
      const record = object as Record<string, unknown>;
      const metadata = record['metadata'] as { name?: unknown } | undefined;
      if (typeof record['apiVersion'] !== 'string' || typeof record['kind'] !== 'string' || typeof metadata?.name !== 'string') {
        throw new Error(`${file} document ${index + 1} lacks apiVersion, kind or metadata.name`);
      }
      return [{ file, object: record as Manifest['object'] }];
    }),
  );
}

/** A single-document YAML file (docker-compose.yml, clouds.yaml) as plain data; errors and warnings throw. */
export function loadYaml(text: string, what: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) throw new Error(`${what}: ${problems.map((problem) => problem.message).join('; ')}`);
  return document.toJS();
}
