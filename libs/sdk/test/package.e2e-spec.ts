import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SDK = join(__dirname, '..');
const WORKSPACE = join(SDK, '../..');
const TSC = join(WORKSPACE, 'node_modules/typescript/bin/tsc');

/** The built package (`nx run sdk:bundle`) as npm would publish it and as TypeScript projects would consume it. */
describe('the SDK package', () => {
  let consumer: string;

  beforeAll(() => {
    consumer = mkdtempSync(join(tmpdir(), 'peak-sdk-consumer-'));
    mkdirSync(join(consumer, 'node_modules/@peak-scheduler'), { recursive: true });
    symlinkSync(SDK, join(consumer, 'node_modules/@peak-scheduler/sdk'));
    for (const dependency of ['@types', 'undici'])
      symlinkSync(join(WORKSPACE, 'node_modules', dependency), join(consumer, 'node_modules', dependency));
  });

  afterAll(() => rmSync(consumer, { recursive: true, force: true }));

  it('packs the bundles, the declarations and the README, and no source', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', SDK], { cwd: consumer });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.cjs',
        'dist/openstack.js',
        'dist/openstack.cjs',
        'dist/types/esm/libs/sdk/src/index.d.ts',
        'dist/types/cjs/libs/sdk/src/openstack.d.ts',
        'dist/types/cjs/package.json',
      ]),
    );
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.includes('openstack-client'))).toEqual([]);
  });

  // A typo in the consumer (`nam`) must fail: proves the types are resolved, not silently `any`.
  const consumerSource = (property: string) => `
    import { PeakApiError, type PeakClient, type ScheduleDto } from '@peak-scheduler/sdk';
    import { connect } from '@peak-scheduler/sdk/openstack';
    export async function names(url: string): Promise<string[]> {
      const peak: PeakClient = connect({ url });
      const names: string[] = [];
      for await (const schedule of peak.schedules({ q: 'exam' })) names.push((schedule satisfies ScheduleDto).${property});
      try {
        const { data } = await peak.getSchedule({ path: { id: 'x' } });
        names.push(String(data.instanceCount));
      } catch (error: unknown) {
        if (error instanceof PeakApiError) names.push(String(error.status));
      }
      return names;
    }`;

  it.each([
    ['a bundler project', 'esnext', 'bundler', 'commonjs'],
    ['a Node ES module project', 'nodenext', 'nodenext', 'module'],
    ['a Node CommonJS project', 'nodenext', 'nodenext', 'commonjs'],
  ])('type-checks in %s, and catches a wrong property', async (_kind, module, moduleResolution, type) => {
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type }));
    const compilerOptions = {
      strict: true,
      module,
      moduleResolution,
      target: 'es2022',
      lib: ['es2022', 'dom'],
      types: ['node'],
      noEmit: true,
    };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));

    writeFileSync(join(consumer, 'consumer.ts'), consumerSource('name'));
    await run(process.execPath, [TSC, '-p', consumer]);

    writeFileSync(join(consumer, 'consumer.ts'), consumerSource('nam'));
    const failed = await run(process.execPath, [TSC, '-p', consumer]).then(
      () => 'compiled',
      (error: { stdout: string }) => error.stdout,
    );
    expect(failed).toContain("Property 'nam' does not exist on type 'ScheduleDto'");
  });
});
