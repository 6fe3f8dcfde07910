import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__temporalDevServer?.stop();
  const runDir = process.env.TEST_RUN_DIR;
  if (runDir && !process.env.KEEP_TEST_RUN_DIR) fs.rmSync(runDir, { recursive: true, force: true });
}
