import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.kanary/**', 'reports/**', 'bench/out/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@kanary/*/src/*', '@kanary/*/dist/*'], message: 'Import a package through its index, not its internals.' },
            { group: ['**/packages/*/src/*', '**/services/*/src/*'], message: 'Import another package by name, not by path into its src/.' },
          ],
        },
      ],
    },
  },
  {
    // Functional core: no I/O libraries in core/ folders.
    files: ['services/*/src/core/**/*.ts', 'packages/stats/src/**/*.ts', 'packages/rollout/src/**/*.ts', 'packages/evidence/src/**/*.ts', 'packages/join/src/**/*.ts', 'packages/decision-engine/src/core/**/*.ts', 'packages/decision-engine/src/replay/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kafkajs', 'pino', 'node:*', 'fastify'], message: 'Core code is pure: no Kafka, logging or Node I/O here.' },
          ],
        },
      ],
    },
  },
);
