/**
 * One jest run for everything: unit tests need nothing; workflow, activity, API and e2e tests use the
 * Temporal dev server and workflow bundle that test/global-setup.ts starts once per run.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  // Each test file gets its own task queue and database, so files run in parallel safely.
  maxWorkers: 2,
  testTimeout: 120_000,
  // The Temporal native bridge keeps handles until its runtime shuts down; every test file closes
  // its workers, connections and environments in afterAll, so a forced exit hides nothing of ours.
  forceExit: true,
  verbose: false,
};
