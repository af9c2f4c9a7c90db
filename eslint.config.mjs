import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries: who may import whom.
 * - scope:api (the Nest app) uses shared libs. Tests anywhere may start the simulator (scope:sim).
 * - scope:web (the console) uses only web libs and the generated client (type:data-access in scope:web);
 *   it never imports API code.
 * - scope:sim (the OpenStack simulator) stands alone, with shared utils only.
 * - scope:shared libs import only other shared libs.
 * - scope:cli (the `peak` command line) uses shared libs only (the SDK); its process tests also start the simulator.
 * - scope:e2e (the console's end-to-end tests) drives built apps over HTTP and starts the simulator in-process.
 * - scope:testing (`@peak/testing`, type:testing) holds test helpers: only tests may import it.
 * - type:* layers: apps use features, data access, UI and utilities; the console shell uses no data access
 *   directly (its features do).
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/.angular', 'tmp', 'coverage', 'test-artifacts'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:sim', onlyDependOnLibsWithTags: ['scope:sim', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:sim', 'scope:shared'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // The console shell reaches the API only through feature libraries.
            { allSourceTags: ['scope:web', 'type:app'], onlyDependOnLibsWithTags: ['type:feature', 'type:ui', 'type:util'] },
          ],
        },
      ],
    },
  },
  {
    // Tests (and their helpers) may start the OpenStack simulator in-process; production code may not.
    // They may also use the shared test helpers (`@peak/testing`, tag type:testing), which nothing else may import.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.cloud.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:sim', 'scope:testing'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared', 'scope:sim', 'scope:testing'] },
            { sourceTag: 'scope:sim', onlyDependOnLibsWithTags: ['scope:sim', 'scope:shared', 'scope:testing'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:sim', 'scope:shared', 'scope:testing'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:sim', 'scope:testing'] },
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: [] },
            // The layer rules hold in tests too, with the test helpers and the simulator (scope:sim) added.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util', 'type:testing', 'scope:sim'],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:ui', 'type:util', 'type:testing', 'scope:sim'],
            },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:testing', 'scope:sim'] },
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util', 'type:testing', 'scope:sim'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing', 'scope:sim'] },
            // The console shell reaches the API only through feature libraries.
            { allSourceTags: ['scope:web', 'type:app'], onlyDependOnLibsWithTags: ['type:feature', 'type:ui', 'type:util'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/jest.config.ts', '**/jest.config.cts'],
    ...tseslint.configs.disableTypeChecked,
  },
];
