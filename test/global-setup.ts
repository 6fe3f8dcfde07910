/**
 * Once per jest run: obtain the Temporal binaries (first run on a fresh machine installs them into
 * .cache/), start one in-memory Temporal dev server, and bundle the workflow code once (webpack is
 * slow). Test files reach both through environment variables read by test/helpers/temporal.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalCli, ensureTestServer } from '../scripts/temporal-binaries';
import { startDevServer, type RunningDevServer } from '../scripts/temporal-server';
import { bundleWorkflows } from '../worker/bundle';

declare global {
  var __temporalDevServer: RunningDevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  ensureTemporalCli();
  process.env.TEMPORAL_TEST_SERVER_PATH = ensureTestServer();

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inburgering-test-'));
  process.env.TEST_RUN_DIR = runDir;

  const [server, bundle] = await Promise.all([
    startDevServer({ headless: true, logFile: path.join(runDir, 'temporal-dev-server.log') }),
    bundleWorkflows(require.resolve('./helpers/test-workflows')),
  ]);
  globalThis.__temporalDevServer = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;

  const bundlePath = path.join(runDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  process.env.TEMPORAL_TEST_BUNDLE = bundlePath;
}
