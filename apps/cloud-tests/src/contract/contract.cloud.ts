import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENSTACK_CLI, openstackCliAvailable } from '../support/cli';
import { realCloudTarget, simulatorTarget, type CloudTarget } from '../support/target';
import { sweepLeftovers } from '../support/leftovers';
import { type Difference, differencesOf, formatDifference, intendedBy } from './compare';
import { HTTP_SCENARIOS } from './http-scenarios';
import { INTENDED_DIFFERENCES } from './intended-differences';
import { CLI_SCENARIOS } from './cli-scenarios';
import { type Scenario, type ScenarioResult, runScenarios } from './scenario';

const SCENARIOS: Scenario[] = [...HTTP_SCENARIOS, ...CLI_SCENARIOS];

/**
 * The contract scenarios run once against the simulator and once against the real cloud; each scenario must pass on
 * both, and the shapes of the answers they record must agree except for the documented intended differences.
 */
describe('contract: the simulator against the real cloud', () => {
  const targets: CloudTarget[] = [];
  const results = new Map<string, { sim: ScenarioResult; real: ScenarioResult }>();
  const seen = new Set<(typeof INTENDED_DIFFERENCES)[number]>();

  beforeAll(async () => {
    if (!openstackCliAvailable()) {
      throw new Error(`${OPENSTACK_CLI} is missing: the CLI scenarios need Debian's python3-openstackclient (.ci/run installs it)`);
    }
    const [sim, real] = await Promise.all([simulatorTarget(), realCloudTarget()]);
    targets.push(sim, real);
    const [simAdmin, realAdmin] = await Promise.all([sim.login(), real.login()]);
    const removed = await sweepLeftovers(realAdmin);
    if (removed.length > 0) console.warn(`removed leftovers of an earlier run: ${removed.join(', ')}`);
    const [simResults, realResults] = await Promise.all([runScenarios(sim, simAdmin, SCENARIOS), runScenarios(real, realAdmin, SCENARIOS)]);
    SCENARIOS.forEach((s, i) => results.set(s.name, { sim: simResults[i], real: realResults[i] }));
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      [
        'scenario durations (simulator / real cloud):',
        ...SCENARIOS.map((s, i) => `  ${s.name}: ${seconds(simResults[i].durationMs)} / ${seconds(realResults[i].durationMs)}`),
      ].join('\n'),
    );
    const dumpDir = process.env['CLOUD_TESTS_DUMP_DIR'];
    if (dumpDir) dump(dumpDir, [...results.values()]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
  });

  it.each(SCENARIOS.map((s) => s.name))('%s', (name) => {
    const { sim, real } = results.get(name) ?? {};
    if (!sim || !real) throw new Error(`scenario ${name} did not run`);
    const unexplained: Difference[] = [];
    for (const d of differencesOf(sim, real)) {
      const intended = intendedBy(INTENDED_DIFFERENCES, d);
      if (intended) seen.add(intended);
      else unexplained.push(d);
    }
    expect({
      simulator: describeError(sim.error),
      real: describeError(real.error),
      cleanup: [...sim.cleanupErrors, ...real.cleanupErrors].map(describeError),
      unexplainedDifferences: unexplained.map(formatDifference),
    }).toEqual({ simulator: undefined, real: undefined, cleanup: [], unexplainedDifferences: [] });
  });

  it('every intended difference still occurs (else it was fixed: drop it from the list)', () => {
    const scenarioNames = new Set(SCENARIOS.map((s) => s.name));
    const stale = INTENDED_DIFFERENCES.filter((d) => (d.scenario === '*' || scenarioNames.has(d.scenario)) && !seen.has(d));
    expect(stale.map((d) => `${d.scenario} / ${String(d.label ?? '*')}: ${String(d.difference)}`)).toEqual([]);
  });
});

function describeError(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Both targets' recorded bodies and shapes side by side, one file per scenario, for reading a difference. */
function dump(dir: string, pairs: { sim: ScenarioResult; real: ScenarioResult }[]): void {
  mkdirSync(dir, { recursive: true });
  for (const { sim, real } of pairs) {
    const side = (r: ScenarioResult) =>
      Object.fromEntries(
        [...r.observations].map(([label, observation]) => [label, { ...observation, body: r.bodies.get(label), shape: observation.body }]),
      );
    const file = join(dir, `${sim.scenario.replace(/[^a-z0-9]+/gi, '-')}.json`);
    writeFileSync(file, JSON.stringify({ simulator: side(sim), real: side(real) }, null, 2));
  }
}
