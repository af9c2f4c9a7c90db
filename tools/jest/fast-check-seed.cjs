// Property tests draw their cases from a fixed seed, so a CI run cannot fail on a case no earlier run drew.
// To explore new cases: FC_SEED=random npm test (the seed of a failure is printed), or FC_SEED=<n> to replay one.
const fc = require('fast-check');

const wanted = process.env.FC_SEED;
if (wanted !== 'random') {
  const seed = wanted === undefined ? 20261203 : Number(wanted);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(wanted)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
