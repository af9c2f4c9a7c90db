import { Command, InvalidArgumentError, Option } from 'commander';
import type { PeakClient } from '@peak/sdk';
import { connect } from '@peak/sdk/openstack';
import { CliError, ExitCode } from './errors';
import { FORMATS, render, type Format, type Printable } from './output';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The terminal's width when stdout is one. */
  columns?: number;
}

/**
 * The `--os-*` options: each stands for the `OS_*` variable of the same name and wins over the environment, as in
 * the openstack client.
 */
export const OS_OPTIONS: readonly { flag: string; help: string; secret?: boolean }[] = [
  { flag: 'cloud', help: 'cloud of clouds.yaml to use' },
  { flag: 'auth-url', help: 'Keystone URL, e.g. https://keystone.example.org:5000/v3' },
  { flag: 'auth-type', help: 'password, v3applicationcredential or v3token (default: from the credentials given)' },
  { flag: 'username', help: 'user name' },
  { flag: 'user-id', help: 'user id' },
  { flag: 'password', help: 'password', secret: true },
  { flag: 'project-name', help: 'project name' },
  { flag: 'project-id', help: 'project id' },
  { flag: 'user-domain-name', help: "user's domain name" },
  { flag: 'project-domain-name', help: "project's domain name" },
  { flag: 'application-credential-id', help: 'application credential id' },
  { flag: 'application-credential-name', help: 'application credential name (with --os-username)' },
  { flag: 'application-credential-secret', help: 'application credential secret', secret: true },
  { flag: 'token', help: 'a Keystone token to use as it is', secret: true },
  { flag: 'region-name', help: 'region' },
  { flag: 'interface', help: 'endpoint interface: public, internal or admin' },
  { flag: 'cacert', help: 'CA bundle to verify TLS with' },
];

export function envName(flag: string): string {
  return `OS_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function optionKey(flag: string): string {
  return `os${flag.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase())}`;
}

export function addGlobalOptions(program: Command): void {
  for (const { flag, help } of OS_OPTIONS) {
    program.addOption(new Option(`--os-${flag} <value>`, `${help} (env: ${envName(flag)})`).helpGroup('Authentication:'));
  }
  program
    .addOption(new Option('--peak-url <url>', "Peak Scheduler's URL (env: PEAK_URL)").helpGroup('Peak Scheduler:'))
    .addOption(
      new Option('--peak-token <token>', 'a Keystone token for the API, skipping Keystone (env: PEAK_TOKEN)').helpGroup('Peak Scheduler:'),
    )
    .addOption(
      new Option('--timeout <seconds>', 'give up on a call after this long (default 30)')
        .argParser(positiveNumber)
        .helpGroup('Peak Scheduler:'),
    );
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table').helpGroup('Output:'))
    .addOption(
      new Option('-c, --column <name>', 'print this column (or field); repeat for more, in the order wanted')
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
        .helpGroup('Output:'),
    )
    .addOption(new Option('--fit-width', 'wrap the table to the terminal width ($COLUMNS)').helpGroup('Output:'));
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

/** What every command's action gets: the client (made on first use) and the printer. */
export class Context {
  private peak?: PeakClient;

  constructor(
    readonly io: Io,
    private readonly command: Command,
  ) {}

  get options(): Record<string, unknown> {
    return this.command.optsWithGlobals();
  }

  client(): PeakClient {
    if (this.peak) return this.peak;
    const options = this.options;
    const env: Record<string, string | undefined> = { ...this.io.env };
    for (const { flag } of OS_OPTIONS) {
      const value = options[optionKey(flag)];
      if (typeof value === 'string') env[envName(flag)] = value;
    }
    // The openstack client picks token auth by itself when given only a token; the loader wants it said.
    if (typeof options['osToken'] === 'string' && typeof options['osAuthType'] !== 'string') env['OS_AUTH_TYPE'] = 'v3token';
    const timeout = options['timeout'];
    if (typeof timeout === 'number') env['OS_API_TIMEOUT'] = String(timeout);
    const url = str(options['peakUrl']) ?? env['PEAK_URL']?.trim();
    if (!url) throw new CliError("Peak Scheduler's URL is not set: pass --peak-url or set PEAK_URL", ExitCode.Usage);
    this.peak = connect({
      url,
      token: str(options['peakToken']),
      env,
      cwd: this.io.cwd,
      timeoutMs: typeof timeout === 'number' ? timeout * 1000 : undefined,
      headers: { 'User-Agent': 'peak-cli' },
    });
    return this.peak;
  }

  print(data: Printable): void {
    const options = this.options;
    const columns = Number(this.io.env['COLUMNS']) || this.io.columns;
    this.io.stdout(
      render(data, {
        format: options['format'] as Format,
        columns: (options['column'] as string[] | undefined) ?? [],
        fitWidth: options['fitWidth'] === true,
        width: columns,
      }),
    );
  }

  warn(text: string): void {
    this.io.stderr(`${text}\n`);
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Registers `fn` as the command's action, with a {@link Context} for it. */
export function act(command: Command, io: Io, fn: (ctx: Context, args: string[]) => Promise<void>): Command {
  return command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const args = self.processedArgs.flatMap((a: unknown) => (Array.isArray(a) ? (a as string[]) : a === undefined ? [] : [String(a)]));
    await fn(new Context(io, self), args);
  });
}
