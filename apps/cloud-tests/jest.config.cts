// `npm test` part of the cloud suite: the contract scenarios against the in-process simulator only (fast, no root,
// no real cloud). The real-cloud run is `jest.cloud.config.cts` (`npx nx run cloud-tests:test-cloud`, `npm run test:cloud`).
module.exports = {
  displayName: 'cloud-tests',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/cloud-tests',
  // The CLI scenarios start Python for each command; `--wait` polls every 5 s.
  testTimeout: 120_000,
};
