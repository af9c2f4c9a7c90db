import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The engine's decisions and the run lifecycle are pure: no framework, no database, no cloud, no clock.
    files: ['src/engine/planner.ts', 'src/engine/backoffs.ts', 'src/runs/run-lifecycle.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg'],
              message: 'The planner and the run lifecycle stay free of Nest and TypeORM.',
            },
            { group: ['node:*'], message: 'The planner does no I/O.' },
            { group: ['**/*.service', '**/*.repository', '**/*.module'], message: 'The planner calls no service or repository.' },
          ],
        },
      ],
    },
  },
];
