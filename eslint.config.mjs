// Lint rules that guard this project's architecture, run in CI (`npm run lint`).
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);
// Modules that do I/O: forbidden in deterministic code (workflows run in Temporal's sandbox and are
// replayed; domain rules must be pure so both the workflow and the API can use them).
const ioModules = [
  '@prisma/*',
  'pg',
  'better-sqlite3',
  'nodemailer',
  'express',
  'pino',
  'pino-*',
  'jose',
  'undici',
  'prom-client',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];
const noIo = (extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins in deterministic code.' })),
      patterns: [
        { group: ioModules, message: 'No I/O modules in deterministic code: call an activity instead.' },
        {
          group: ['**/activities', '**/activities/*', '!**/activities/types'],
          message: 'Import activities by type only (import type ... from "../activities/types").',
          allowTypeImports: true,
        },
        ...extra,
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.cache/**',
      'data/**',
      'coverage/**',
      'prisma/generated/**',
      'generated/**',
      'test-results/**',
      'bench/results/**',
      'api/web/**/*.js',
      '*.js',
      '*.mjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    // Preloads run with `node --require` before the TypeScript loader (worker/workflow-thread-preload.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: noIo([
      {
        // Every module the workflow code requires is evaluated again for each cached workflow unless
        // preloaded (worker/bundle.ts); zod and the schemas are not preloadable, so the workflow
        // takes its rules from domain/core and its contract from workflows/contract.ts.
        regex:
          '^zod$|/domain(/(index|commands|summary|settings|allowed-actions|retention|workflow-contract))?$',
        message:
          'Workflow code imports values from domain/core only (types from anywhere): see workflows/README.md.',
        allowTypeImports: true,
      },
    ]),
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // These modules are preloaded (worker/bundle.ts): one instance per worker thread, shared by
      // every workflow, so module scope must hold no mutable variable (workflows/README.md).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "Program > VariableDeclaration[kind!='const'], Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']",
          message:
            'No let/var at module scope in workflows/: the module is shared by all workflows; keep state in the workflow function.',
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: noIo([
      { group: ['@temporalio/*'], message: 'domain/ has no Temporal imports: keep the rules pure.' },
    ]),
  },
);
