import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../../../..');

/**
 * Runs `program` (CommonJS) in a fresh Node process (this one's binary, so the Node 24 run tests Node 24) and returns
 * what it writes to stdout, parsed as JSON. For figures of the heap, which a Jest worker's own heap (other test files,
 * their leftover timers and pools) would spoil.
 *
 * Each of `modules` (TypeScript files) is compiled on its own and can be required as `MODULES[<its base name>]`;
 * packages resolve from the repository's node_modules.
 */
export function runInFreshNode<T>(program: string, options: { modules?: string[]; nodeArgs?: string[] } = {}): T {
  const dir = mkdtempSync(join(tmpdir(), 'fresh-node-'));
  try {
    const compiled: Record<string, string> = {};
    for (const source of options.modules ?? []) {
      const file = join(dir, `${basename(source, '.ts')}.js`);
      const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
      writeFileSync(file, ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions }).outputText);
      compiled[basename(source, '.ts')] = file;
    }
    const stdout = execFileSync(
      process.execPath,
      [...(options.nodeArgs ?? []), '-e', `const MODULES = ${JSON.stringify(compiled)};\n${program}`],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
      },
    );
    return JSON.parse(stdout) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
