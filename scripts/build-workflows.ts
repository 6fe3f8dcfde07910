/**
 * `npm run build:workflows [-- <file>]`: bundles the workflow code ahead of time with the worker's
 * own options (worker/bundle.ts) into dist/workflow-bundle.js (or <file>). Point the worker at it
 * with WORKFLOW_BUNDLE_PATH: it then starts without webpack, and every replica runs the same code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflows } from '../worker/bundle';

export async function buildWorkflowBundle(file: string): Promise<number> {
  const { code } = await bundleWorkflows();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return code.length;
}

if (require.main === module) {
  const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'workflow-bundle.js'));
  buildWorkflowBundle(file).then(
    (bytes) => process.stdout.write(`wrote ${file} (${(bytes / 1024).toFixed(0)} KB)\n`),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
