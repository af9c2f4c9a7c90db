// Process-level tests: the built API (dist/apps/api/main.js) as real child processes, killed and restarted,
// against real PostgreSQL and the simulator. `nx run api:e2e` builds the API first.
module.exports = {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/jest.global-setup.cjs',
  globalTeardown: '<rootDir>/jest.global-teardown.cjs',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.e2e.json' }] },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  testTimeout: 180_000,
};
