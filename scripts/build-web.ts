/**
 * `npm run build:web`: writes the pages' bundles to dist/web/ (git-ignored) to inspect them. The
 * API does not need this: it builds the same bundles in memory when it starts (api/web/assets.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildWebAssets } from '../api/web/assets';

const out = path.join(__dirname, '..', 'dist', 'web');
fs.mkdirSync(out, { recursive: true });
for (const [name, asset] of buildWebAssets()) {
  fs.writeFileSync(path.join(out, name), asset.body);
  process.stdout.write(`dist/web/${name} ${asset.body.length} bytes\n`);
}
