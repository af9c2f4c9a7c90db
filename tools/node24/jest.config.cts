// The start-up smoke test of the built API on Node 24: tools/node24/run.mjs runs it with that Node (see there).
// Same set-up as the API's process tests (apps/api/jest.e2e.config.cts): the global setup picks the PostgreSQL server.
module.exports = {
  displayName: 'node24',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/../../apps/api/jest.global-setup.cjs',
  globalTeardown: '<rootDir>/../../apps/api/jest.global-teardown.cjs',
  testMatch: ['<rootDir>/*.e2e-spec.ts'],
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  testTimeout: 120_000,
};
