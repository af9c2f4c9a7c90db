import { CloudConfigError, OpenStackError } from '@peak/openstack-client';
import { PeakApiError, PeakConnectionError } from '@peak/sdk';
import { CliError, describeFailure, ExitCode, exitCodeForStatus } from './errors';

const apiError = (status: number, extra: Partial<{ errors: { field: string; reason: string }[] }> = {}) =>
  new PeakApiError(
    status,
    'POST',
    'http://peak.test/v1/schedules',
    { statusCode: status, error: 'x', message: `failed with ${status}`, ...extra },
    'req-42',
    undefined,
  );

describe('exit codes', () => {
  it.each([
    [401, ExitCode.Auth],
    [403, ExitCode.Auth],
    [404, ExitCode.NotFound],
    [400, ExitCode.Validation],
    [422, ExitCode.Validation],
    [409, ExitCode.Conflict],
    [504, ExitCode.Connection],
    [500, ExitCode.Error],
    [429, ExitCode.Error],
  ])('HTTP %i exits with %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
    expect(describeFailure(apiError(status)).exitCode).toBe(code);
  });

  it('tells the API message with the request id, then each refused field', () => {
    const failure = describeFailure(apiError(400, { errors: [{ field: 'instanceCount', reason: 'must be at least 1' }] }));
    expect(failure.lines).toEqual(['peak: failed with 400 (request req-42)', '  instanceCount: must be at least 1']);
  });

  it('maps no answer to 7, Keystone refusals to 3, and a missing cloud configuration to 3', () => {
    expect(describeFailure(new PeakConnectionError('GET', 'http://peak.test/v1', new Error('refused'))).exitCode).toBe(ExitCode.Connection);
    expect(describeFailure(new OpenStackError({ service: 'identity', status: 401, message: 'bad password' })).exitCode).toBe(ExitCode.Auth);
    expect(describeFailure(new OpenStackError({ service: 'identity', status: 0, fault: 'Timeout', message: 'timed out' })).exitCode).toBe(
      ExitCode.Connection,
    );
    expect(describeFailure(new CloudConfigError('No OpenStack cloud configured', ['set OS_CLOUD'])).exitCode).toBe(ExitCode.Auth);
  });

  it("keeps the CLI's own errors' codes and details, and maps anything else to 1", () => {
    expect(describeFailure(new CliError('no schedule', ExitCode.NotFound, ['  hint'])).lines).toEqual(['peak: no schedule', '  hint']);
    expect(describeFailure(new CliError('no schedule', ExitCode.NotFound)).exitCode).toBe(ExitCode.NotFound);
    expect(describeFailure(new Error('boom'))).toEqual({ exitCode: ExitCode.Error, lines: ['peak: boom'] });
  });
});
