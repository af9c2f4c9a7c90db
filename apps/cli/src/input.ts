import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { CliError, ExitCode } from './errors';

/**
 * Reads a request body from a YAML or JSON file (JSON is YAML too), or from stdin when the path is `-`.
 * A missing file, a syntax error or anything but a mapping is a usage error that names the file and the line.
 */
export function readBodyFile(path: string, read: (path: string) => string = readText): Record<string, unknown> {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(`cannot read ${path}: ${reason}`, ExitCode.Usage);
  }
  return parseBody(text, path);
}

export function parseBody(text: string, source: string): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const details = document.errors.map((e) => {
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : '';
      return `  ${where}${e.message.split('\n')[0]}`;
    });
    throw new CliError(`${source} is not valid YAML or JSON`, ExitCode.Usage, details);
  }
  const value: unknown = document.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${source} must hold a mapping of fields (e.g. name: exams), not ${describe(value)}`, ExitCode.Usage);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function readText(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}
