/**
 * The pages' scripts and stylesheet, built from web/ (TypeScript) with esbuild when the web router
 * is created: once per process, in memory, offline (esbuild is a pinned dependency with its binary
 * from the npm registry). Nothing is written to the work tree, so a build can never be stale;
 * `npm run build:web` writes the same files to dist/web/ (git-ignored) to look at them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

export interface Asset {
  contentType: string;
  body: Buffer;
}

export const WEB_DIR = path.join(__dirname, '..', '..', 'web');
/** Page name → entry point. */
export const ENTRY_POINTS = {
  werk: path.join(WEB_DIR, 'werk', 'main.ts'),
  beheer: path.join(WEB_DIR, 'beheer', 'main.ts'),
};

let cached: Map<string, Asset> | undefined;

export function buildWebAssets(): Map<string, Asset> {
  const result = buildSync({
    entryPoints: ENTRY_POINTS,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    write: false,
    outdir: '/assets',
    logLevel: 'silent',
  });
  const assets = new Map<string, Asset>();
  for (const file of result.outputFiles)
    assets.set(path.basename(file.path), {
      contentType: 'text/javascript; charset=utf-8',
      body: Buffer.from(file.contents),
    });
  assets.set('styles.css', {
    contentType: 'text/css; charset=utf-8',
    body: fs.readFileSync(path.join(WEB_DIR, 'styles.css')),
  });
  return assets;
}

/** Built once per process. */
export function webAssets(): Map<string, Asset> {
  cached ??= buildWebAssets();
  return cached;
}
