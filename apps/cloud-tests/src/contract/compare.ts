import { compareObservations } from '../support/shape';
import type { ScenarioResult } from './scenario';

/** A difference between the simulator and the real cloud that we keep on purpose. */
export interface IntendedDifference {
  /** The scenario it occurs in, or `*` for any. */
  scenario: string;
  /** The recorded answer's label (exact, or a pattern), or any when omitted. */
  label?: string | RegExp;
  /** The difference line as `compareObservations` words it (exact, or a pattern). */
  difference: string | RegExp;
  /** Why the simulator differs; a difference without a reason is a bug to fix in the simulator. */
  reason: string;
}

export interface Difference {
  scenario: string;
  label: string;
  difference: string;
}

export const formatDifference = (d: Difference) => `${d.label}: ${d.difference}`;

/** Every difference between the two runs of one scenario, including answers only one target recorded. */
export function differencesOf(sim: ScenarioResult, real: ScenarioResult): Difference[] {
  const scenario = sim.scenario;
  const out: Difference[] = [];
  const labels = [...new Set([...sim.observations.keys(), ...real.observations.keys()])];
  for (const label of labels) {
    const a = sim.observations.get(label);
    const b = real.observations.get(label);
    if (!a || !b) {
      // A scenario that failed on one side stops early; its error is reported on its own.
      if (sim.error === undefined && real.error === undefined) {
        out.push({ scenario, label, difference: `recorded only by the ${a ? 'simulator' : 'real cloud'}` });
      }
      continue;
    }
    for (const difference of compareObservations(a, b)) out.push({ scenario, label, difference });
  }
  return out;
}

const matches = (pattern: string | RegExp | undefined, value: string) =>
  pattern === undefined || (typeof pattern === 'string' ? pattern === value : pattern.test(value));

export function intendedBy(allowed: readonly IntendedDifference[], d: Difference): IntendedDifference | undefined {
  return allowed.find(
    (a) => (a.scenario === '*' || a.scenario === d.scenario) && matches(a.label, d.label) && matches(a.difference, d.difference),
  );
}
