import { CliError, ExitCode } from './errors';
import { parseBody, readBodyFile } from './input';

function failure(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('request body files', () => {
  it('reads YAML and JSON alike', () => {
    expect(parseBody('name: exams\ninstanceCount: 3\nwindow:\n  type: once\n', 'peak.yaml')).toEqual({
      name: 'exams',
      instanceCount: 3,
      window: { type: 'once' },
    });
    expect(parseBody('{"name": "exams", "networkIds": ["n1"]}', 'peak.json')).toEqual({ name: 'exams', networkIds: ['n1'] });
  });

  it('names the file, the line and the column of a syntax error, as a usage error', () => {
    const error = failure(() => parseBody('name: exams\nwindow: [once\n', 'peak.yaml'));
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toBe('peak.yaml is not valid YAML or JSON');
    expect(error.details.join('\n')).toMatch(/line \d+, column \d+/);
  });

  it('refuses a duplicated key', () => {
    expect(failure(() => parseBody('name: a\nname: b\n', 'peak.yaml')).exitCode).toBe(ExitCode.Usage);
  });

  it('wants a mapping, not a list, a scalar or nothing', () => {
    expect(failure(() => parseBody('- a\n- b\n', 'f.yaml')).message).toContain('not a list');
    expect(failure(() => parseBody('42', 'f.yaml')).message).toContain('not a number');
    expect(failure(() => parseBody('', 'f.yaml')).message).toContain('not nothing');
  });

  it('says so when the file cannot be read', () => {
    const error = failure(() => readBodyFile('/nonexistent/peak.yaml'));
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toBe('cannot read /nonexistent/peak.yaml: no such file');
  });
});
