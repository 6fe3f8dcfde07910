/* eslint-disable @typescript-eslint/no-require-imports -- jest loads reporters as CommonJS */
/**
 * A jest reporter that ends a run with one plain line, "tests: N passed, N failed, N skipped", and
 * writes the same line to test-results/closing-line.txt. Jest's own summary ("Tests: 3 passed, 3
 * total") names no failures when there are none, so a reader of the CI log (or a tool that reads
 * the last lines of it) could not tell "all passed" from "nothing ran". `.ci/run` prints the file
 * again as its very last line, after jest's forced-exit notice and the shell's timing.
 */
const fs = require('node:fs');
const path = require('node:path');

class ClosingLineReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
    const dir = path.join(this.rootDir, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'closing-line.txt'), `${line}\n`);
    process.stderr.write(`\n${line}\n`);
  }
}

module.exports = ClosingLineReporter;
