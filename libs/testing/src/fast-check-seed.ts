/** The part of fast-check's API this needs (the caller passes its own import, so both use one module instance). */
interface FastCheckConfig {
  configureGlobal(parameters: { seed?: number }): void;
  readConfigureGlobal(): object;
}

/** The seed CI draws every property test's cases from. */
const DEFAULT_SEED = 20261203;

/**
 * Property tests draw their cases from a fixed seed, so that a CI run cannot fail on a case no earlier run drew.
 * To explore new cases: `FC_SEED=random npm test` (a failure prints its seed), `FC_SEED=<seed>` replays one.
 * Call it once at the top of a spec file that uses fast-check.
 */
export function seedPropertyTests(fc: FastCheckConfig, env: NodeJS.ProcessEnv = process.env): void {
  const wanted = env['FC_SEED'];
  if (wanted === 'random') return;
  const seed = wanted === undefined ? DEFAULT_SEED : Number(wanted);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(wanted)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
