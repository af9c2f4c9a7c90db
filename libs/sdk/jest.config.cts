module.exports = {
  displayName: 'sdk',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '../../apps/api/jest.global-setup.cjs',
  globalTeardown: '../../apps/api/jest.global-teardown.cjs',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/libs/sdk',
  testTimeout: 60_000,
};
