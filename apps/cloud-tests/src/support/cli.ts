import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Observation, shapeOf } from './shape';

/**
 * Debian's `python3-openstackclient` (OSC 6.0, openstacksdk 0.101, novaclient 18.1), called by full path with PATH
 * limited to the system so a pyenv `python3` shim is never picked up, and with a private HOME (no clouds.yaml, no
 * cache from elsewhere). `.ci/run` installs it.
 */
export const OPENSTACK_CLI = '/usr/bin/openstack';

export const openstackCliAvailable = () => existsSync(OPENSTACK_CLI);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let home: string | undefined;

export function runOpenstack(osEnv: Record<string, string>, args: string[]): Promise<CliResult> {
  home ??= mkdtempSync(join(tmpdir(), 'peak-cloudtest-cli-'));
  const env = { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...osEnv };
  return new Promise((resolve) => {
    execFile(OPENSTACK_CLI, args, { env, timeout: 180_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `openstack <args> -f json`, parsed; fails with the CLI's stderr when it exits non-zero. */
export async function openstackJson<T = unknown>(osEnv: Record<string, string>, args: string[]): Promise<{ result: CliResult; json: T }> {
  const result = await runOpenstack(osEnv, [...args, '-f', 'json']);
  if (result.code !== 0) throw new Error(`openstack ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return { result, json: JSON.parse(result.stdout) as T };
}

/**
 * A CLI run as the contract compares it: the exit code as the status, the shape of the JSON it printed as the body,
 * and for failures its error line with numbers, ids and request ids replaced (`stderr` header).
 */
export function observeCli(result: CliResult, json?: unknown, normalize: (text: string) => string = (t) => t): Observation {
  const headers: Record<string, string> = {};
  if (result.code !== 0) headers['stderr'] = errorLine(normalize(result.stderr));
  return { status: result.code, headers, ...shapeOf(json ?? null) };
}

/** The CLI's last non-empty stderr line (its error), with what differs between clouds (ids, numbers) replaced. */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim().length > 0);
  return (lines[lines.length - 1] ?? '')
    .replace(/req-[0-9a-f-]{36}/g, 'req-{id}')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{uuid}')
    .replace(/\b[0-9a-f]{32}\b/g, '{hex}')
    .replace(/(?<![{\w])\d+/g, 'N');
}
