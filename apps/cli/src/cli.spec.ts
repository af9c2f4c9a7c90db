import { version } from '../package.json';
import { run } from './cli';
import { envName } from './context';
import { ExitCode } from './errors';

async function peak(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'peak', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    cwd: '/nonexistent',
  });
  return { code, stdout, stderr };
}

describe('peak (no server)', () => {
  it('prints its version and help, exiting 0', async () => {
    expect(await peak(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await peak(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('schedule');
    expect(help.stdout).toContain('5  invalid request');
  });

  it('exits 2 on usage errors, with one peak: line', async () => {
    const unknown = await peak(['schedule', 'lst']);
    expect(unknown.code).toBe(ExitCode.Usage);
    expect(unknown.stderr).toMatch(/^peak: unknown command 'lst'/);
    expect((await peak(['schedule', 'list', '-f', 'xml'])).code).toBe(ExitCode.Usage);
    expect((await peak(['schedule', 'list', '--limit', '0'])).code).toBe(ExitCode.Usage);
    expect((await peak(['schedule', 'create'])).code).toBe(ExitCode.Usage);
    const badTime = await peak(['audit', 'list', '--from', 'yesterday']);
    expect(badTime).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("'--from <time>'") });
    const badEvent = await peak(['webhook', 'create', '--url', 'https://hooks.example.com/', '--event', 'peak.run.bogus']);
    expect(badEvent).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining("unknown event type 'peak.run.bogus'") });
    expect((await peak(['webhook', 'create'])).code).toBe(ExitCode.Usage);
    expect((await peak(['schedule', 'list', '--state', 'sleeping'], { PEAK_URL: 'http://127.0.0.1:9' })).stderr).toContain(
      "unknown state 'sleeping'",
    );
  });

  it('needs a URL, then credentials', async () => {
    const noUrl = await peak(['schedule', 'list']);
    expect(noUrl).toMatchObject({ code: ExitCode.Usage, stderr: expect.stringContaining('PEAK_URL') });
    const noCloud = await peak(['schedule', 'list', '--peak-url', 'http://127.0.0.1:9']);
    expect(noCloud.code).toBe(ExitCode.Auth);
    expect(noCloud.stderr).toContain('No OpenStack cloud configured');
  });

  it('--os-* options override the OS_* variables', async () => {
    // The cloud named on the command line wins over OS_CLOUD, so the loader complains about that one.
    const result = await peak(['catalog', 'images', '--os-cloud', 'from-flag'], { PEAK_URL: 'http://127.0.0.1:9', OS_CLOUD: 'from-env' });
    expect(result.code).toBe(ExitCode.Auth);
    expect(result.stderr).toContain('from-flag');
    expect(result.stderr).not.toContain('from-env');
    expect(envName('application-credential-id')).toBe('OS_APPLICATION_CREDENTIAL_ID');
  });

  it('prints bash and zsh completion generated from the commands', async () => {
    const bash = await peak(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain("'schedule') words='list show create set enable disable delete preview");
    expect(bash.stdout).toContain('complete -o default -F _peak_complete peak');
    expect((await peak(['completion', 'zsh'])).stdout).toContain('bashcompinit');
    expect((await peak(['completion', 'fish'])).code).toBe(ExitCode.Usage);
  });
});
