const { adminUrl, canConnect } = require('../../libs/testing/src/postgres.cjs');

// Async so that the worker count can follow the database: the embedded fallback has one connection.
module.exports = async () => ({
  displayName: 'api',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/jest.global-setup.cjs',
  globalTeardown: '<rootDir>/jest.global-teardown.cjs',
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        // Same Swagger plugin as the build, so tests see the same OpenAPI document.
        astTransformers: {
          before: [{ path: '<rootDir>/jest.swagger-transformer.cjs' }],
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../coverage/apps/api',
  // Integration tests share one PostgreSQL server; two workers keep CI within its two cores.
  maxWorkers: (await canConnect(adminUrl())) ? 2 : 1,
  testTimeout: 30000,
});
