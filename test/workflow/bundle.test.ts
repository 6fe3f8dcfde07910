/**
 * What the workflow bundle contains (worker/bundle.ts, workflows/README.md): no zod (every cached
 * workflow would evaluate its own copy), and the rules, the input check, the workflow files and the
 * failure converter preloaded, i.e. evaluated once per worker thread and shared. The bundle is the one global-setup built with the worker's
 * own options.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PRELOAD_MODULES } from '../../worker/bundle';

const code = (): string => fs.readFileSync(process.env.TEMPORAL_TEST_BUNDLE!, 'utf8');

/** The webpack module ids in the bundle's code (before its inline source map). */
function moduleIds(bundle: string): string[] {
  const body = bundle.slice(0, bundle.indexOf('//# sourceMappingURL'));
  return [...body.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]!);
}

describe('the workflow bundle', () => {
  it('holds no zod module', () => {
    const ids = moduleIds(code());
    expect(ids.length).toBeGreaterThan(50);
    expect(ids.filter((id) => id.includes('node_modules/zod'))).toEqual([]);
  });

  it('preloads the rules, the input check, the workflow entry and the failure converter', () => {
    const bundle = code();
    const start = bundle.indexOf('exports.preloadModules = function');
    const preload = bundle.slice(start, bundle.indexOf('exports.importWorkflows', start));
    expect(start).toBeGreaterThan(0);
    for (const modulePath of PRELOAD_MODULES) {
      const rel = `./${path.relative(path.join(__dirname, '..', '..'), modulePath)}`;
      expect(preload).toContain(rel.replace(/\.ts$/, ''));
    }
  });
});
