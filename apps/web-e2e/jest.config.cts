// End-to-end tests of the console: real Chromium against the built console, the built API, PostgreSQL and
// the OpenStack simulator. Run with `npx nx e2e web-e2e` (builds api and web first).
module.exports = {
  displayName: 'web-e2e',
  // No Nx preset: it would also run the .cjs global setup through ts-jest.
  resolver: '@nx/jest/plugins/resolver',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs'],
  // One fresh database for the run; the PGlite fallback must start outside the test sandbox.
  globalSetup: '<rootDir>/global-setup.cjs',
  globalTeardown: '<rootDir>/global-teardown.cjs',
  // Any Content-Security-Policy violation fails the test it happened in.
  setupFilesAfterEnv: ['<rootDir>/src/support/csp-guard.ts'],
  testTimeout: 60_000,
  // Servers and a browser per file: on a 2-core machine they run one file at a time.
  maxWorkers: 1,
};
