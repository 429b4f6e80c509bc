// ESLint for the whole tree: the recommended rules of ESLint and typescript-eslint (without type
// information: fast on two cores), and the layering of docs/architecture.md as import restrictions.
// The linter's packages live in tools/lint/ with the TypeScript 5 they need (see its package.json).
import { builtinModules, createRequire } from 'node:module';

const lintRequire = createRequire(new URL('./tools/lint/package.json', import.meta.url));
const js = lintRequire('@eslint/js');
const tseslint = lintRequire('typescript-eslint');
const globals = lintRequire('globals');

const builtins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nodeBuiltins = { paths: builtins.map((name) => ({ name, message: 'this layer runs without Node' })) };
const electron = {
  regex: '^electron(/.*)?$',
  message: 'only electron/main and electron/preload use Electron',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'tools/lint/node_modules/',
      'out/',
      'dist/',
      'build/',
      'release/',
      'test-results/',
      'playwright-report/',
      'resources/examples/**/.strata/',
      '.strata-bench/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // `_name` marks an argument a signature needs and the body does not.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Plain JavaScript that runs on Node: scripts, the bin, the step clients and the example projects.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...nodeBuiltins,
          patterns: [
            electron,
            {
              regex: '^\\.\\.?/(.*/)?electron/',
              message: 'the renderer reaches the engine only through the Api',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...nodeBuiltins, patterns: [electron] }],
    },
  },
  {
    files: ['shared/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...nodeBuiltins,
          patterns: [electron, { regex: '^\\.\\./', message: 'shared/ imports nothing outside shared/' }],
        },
      ],
    },
  },
  {
    files: ['shared/api/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...nodeBuiltins,
          patterns: [
            electron,
            { regex: '^\\.\\./\\.\\./', message: 'shared/ imports nothing outside shared/' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron] }] },
  },
  {
    files: ['electron/cli/**/*.ts'],
    // The CLI's door to the engine, and its entry (for --version).
    ignores: ['electron/cli/api.ts', 'electron/cli/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            electron,
            {
              regex: '^\\.\\.?/(.*/)?core/',
              message: 'a CLI command reaches the engine through the contract (electron/cli/api.ts)',
            },
          ],
        },
      ],
    },
  },
);
