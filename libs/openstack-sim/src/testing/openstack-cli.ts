import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's `python3-openstackclient` (OSC 6.0 with openstacksdk 0.101 and novaclient 18.1). Called by its full
 * path with PATH limited to the system, so a pyenv `python3` shim can never be picked up.
 */
export const OPENSTACK_CLI = '/usr/bin/openstack';

export function openstackCliAvailable(): boolean {
  return existsSync(OPENSTACK_CLI);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliCredentials {
  username: string;
  project: string;
  password?: string;
}

let home: string | undefined;

/** Runs `openstack <args>` against the simulator with a clean environment (no clouds.yaml, no OS_* from the caller). */
export function runOpenstack(
  authUrl: string,
  args: string[],
  credentials: CliCredentials = { username: 'admin', project: 'admin' },
): Promise<CliResult> {
  // A private HOME: no ~/.config/openstack/clouds.yaml and no shared ~/.cache from elsewhere.
  home ??= mkdtempSync(join(tmpdir(), 'openstack-cli-'));
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    OS_AUTH_URL: authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: credentials.username,
    OS_PASSWORD: credentials.password ?? 'secret',
    OS_PROJECT_NAME: credentials.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'public',
  };
  return new Promise((resolve) => {
    execFile(OPENSTACK_CLI, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command with `-f json` and parses its output; fails with the CLI's stderr when it exits non-zero. */
export async function openstackJson<T = unknown>(authUrl: string, args: string[], credentials?: CliCredentials): Promise<T> {
  const result = await runOpenstack(authUrl, [...args, '-f', 'json'], credentials);
  if (result.code !== 0) throw new Error(`openstack ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
