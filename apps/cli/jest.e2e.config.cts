// Process-level tests: the bundled `peak` binary against the built API, real PostgreSQL and the OpenStack simulator.
// `nx run cli:e2e` builds the API and the bundle first.
module.exports = {
  displayName: 'cli-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '../api/jest.global-setup.cjs',
  globalTeardown: '../api/jest.global-teardown.cjs',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: 1,
  testTimeout: 180_000,
};
