import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The console may use this library in the browser: no Node built-ins, no server frameworks.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Keep @peak/schedule-domain browser-safe: no Node built-ins.' },
            { group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'rxjs', 'rxjs/*'], message: 'Keep @peak/schedule-domain framework-free.' },
          ],
          paths: ['fs', 'path', 'os', 'crypto', 'util', 'events', 'stream', 'buffer', 'child_process'],
        },
      ],
    },
  },
];
