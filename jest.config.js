/**
 * Three tiers, one run:
 *  - `unit`: pure tests (domain rules, configuration, HTTP building blocks, templates, CSV rows,
 *    the OpenAPI document): Node alone, no Temporal, no Java, no workflow bundle, no global setup.
 *    `npm run test:unit` runs only these, in seconds.
 *  - `integration`: everything else, against the Temporal dev server and the workflow bundle that
 *    test/global-setup.ts starts once per run (and the Java time-skipping server, PostgreSQL,
 *    Chromium where a test needs them).
 *  - `cluster`: test/cluster/, the service on a real Temporal server on PostgreSQL with worker and
 *    API processes of its own (test/cluster/stack.ts); it starts everything itself, so no global
 *    setup. `npm run test:cluster` runs only these.
 * `npm test` runs all three. A test file belongs to `unit` when its path matches UNIT below (regular expressions).
 * @type {import('jest').Config}
 */
const UNIT = [
  '/test/unit/.*\\.test\\.ts$',
  '/test/config/.*\\.test\\.ts$',
  '/test/api/unit/.*\\.test\\.ts$',
  '/test/activities/templates\\.test\\.ts$',
  '/test/import/csv-row\\.test\\.ts$',
  '/test/e2e/web-router\\.test\\.ts$',
];

const CLUSTER = '/test/cluster/.*\\.test\\.ts$';

const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testRegex: UNIT },
    {
      ...common,
      displayName: 'integration',
      testRegex: '/test/.*\\.test\\.ts$',
      // Every test file that is not a unit test.
      testPathIgnorePatterns: [...UNIT, CLUSTER],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup-runtime.ts'],
    },
    {
      ...common,
      displayName: 'cluster',
      testRegex: CLUSTER,
      setupFiles: ['<rootDir>/test/setup-runtime.ts'],
    },
  ],
  // Each test file gets its own task queue and database, so files run in parallel safely.
  maxWorkers: 2,
  testTimeout: 120_000,
  // The Temporal native bridge keeps handles until its runtime shuts down; every test file closes
  // its workers, connections and environments in afterAll, so a forced exit hides nothing of ours.
  forceExit: true,
  verbose: false,
  // Jest's summary plus one plain closing line (see the reporter's header).
  reporters: ['default', '<rootDir>/test/helpers/closing-line-reporter.js'],
};
