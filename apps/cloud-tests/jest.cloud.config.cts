// The real-cloud suite (`npm run test:cloud` brings the harness up first): contract scenarios against the simulator
// and the real cloud with their shapes compared, the client, and the built API against the real cloud.
module.exports = {
  displayName: 'cloud-tests (real cloud)',
  resolver: '@nx/jest/plugins/resolver',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.cloud.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // One file at a time: they share the real project's quota of 10 instances.
  maxWorkers: 1,
  // Real servers take 4-14 s to build and 3-9 s to delete (tens of seconds on a loaded machine); the first peak test
  // waits out its 2-minute window.
  testTimeout: 480_000,
};
