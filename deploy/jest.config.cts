// The deployment files' checks: Kubernetes manifests against the Kubernetes schemas, the Dockerfiles against our
// rules, docker-compose.yml's wiring. They read files only: no Docker, no cluster.
module.exports = {
  displayName: 'deploy',
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../coverage/deploy',
};
