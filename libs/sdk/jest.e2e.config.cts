// The SDK against the built API (dist/apps/api/main.js) as a process, real PostgreSQL and the simulator over HTTP,
// and the built package (dist/) loaded as ESM and as CommonJS. `nx e2e sdk` builds both first.
module.exports = {
  displayName: 'sdk-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '../../apps/api/jest.global-setup.cjs',
  globalTeardown: '../../apps/api/jest.global-teardown.cjs',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.e2e.json' }] },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  testTimeout: 120_000,
};
