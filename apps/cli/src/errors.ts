import { CloudConfigError, OpenStackError } from '@peak/openstack-client';
import { PeakApiError, PeakConnectionError } from '@peak/sdk';

/** The exit statuses of `peak`, listed in `peak --help` and the README. */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  Validation: 5,
  Conflict: 6,
  Connection: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit status:
  0  success
  1  error (an API error not listed below, an ambiguous name)
  2  usage error (unknown option or command, bad option value, PEAK_URL not set, unreadable input file)
  3  authentication or authorization failed (401, 403; Keystone refused the credentials, or none are configured)
  4  not found (404, or no schedule has that name or id)
  5  invalid request (400, 422): the fields and reasons follow on stderr
  6  conflict (409)
  7  no answer: connection refused or broken, or timed out`;

/** An error the CLI itself raises, with the exit status it stands for. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Error,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface Failure {
  exitCode: ExitCode;
  /** Lines for stderr, the first starting with `peak: `. */
  lines: string[];
}

/** What to tell the user about `error`, and with which exit status. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, lines: [`peak: ${error.message}`, ...error.details] };
  if (error instanceof PeakApiError) {
    const message = error.body?.message ?? error.message;
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    const fields = error.fieldErrors.map((f) => `  ${f.field}: ${f.reason}`);
    return { exitCode: exitCodeForStatus(error.status), lines: [`peak: ${message}${request}`, ...fields] };
  }
  if (error instanceof PeakConnectionError) return { exitCode: ExitCode.Connection, lines: [`peak: no answer from ${error.message}`] };
  if (error instanceof OpenStackError) {
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    const exitCode =
      error.status === 0 ? ExitCode.Connection : error.status === 401 || error.status === 403 ? ExitCode.Auth : ExitCode.Error;
    return { exitCode, lines: [`peak: Keystone: ${error.message}${request}`] };
  }
  if (error instanceof CloudConfigError) return { exitCode: ExitCode.Auth, lines: [`peak: ${error.message}`] };
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { exitCode: ExitCode.Connection, lines: [`peak: ${error.message}`] };
  }
  return { exitCode: ExitCode.Error, lines: [`peak: ${error instanceof Error ? error.message : String(error)}`] };
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.Auth;
  if (status === 404) return ExitCode.NotFound;
  if (status === 400 || status === 422) return ExitCode.Validation;
  if (status === 409) return ExitCode.Conflict;
  if (status === 408 || status === 504) return ExitCode.Connection;
  return ExitCode.Error;
}
