/**
 * How the project finds the `temporal` CLI: $TEMPORAL_CLI_PATH, else PATH, else the repo cache
 * (which the run's global setup has filled, installing it if this machine was fresh).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, ensureTemporalCli, ensureTestServer } from '../../scripts/temporal-binaries';

describe('ensureTemporalCli', () => {
  const saved = { PATH: process.env.PATH, TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(process.env.TEST_RUN_DIR!, 'bin-'));
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.TEMPORAL_CLI_PATH === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = saved.TEMPORAL_CLI_PATH;
  });

  const fakeCli = (name = 'temporal', mode = 0o755) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\necho fake\n', { mode });
    return file;
  };

  it('takes TEMPORAL_CLI_PATH first', () => {
    const file = fakeCli('my-temporal');
    process.env.TEMPORAL_CLI_PATH = file;
    expect(ensureTemporalCli()).toBe(file);
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable', () => {
    process.env.TEMPORAL_CLI_PATH = fakeCli('not-executable', 0o644);
    expect(() => ensureTemporalCli()).toThrow(/not an executable file/);
  });

  it('uses a temporal on PATH before the cache', () => {
    delete process.env.TEMPORAL_CLI_PATH;
    const file = fakeCli();
    process.env.PATH = `${dir}${path.delimiter}${saved.PATH ?? ''}`;
    expect(ensureTemporalCli()).toBe(file);
  });

  it('falls back to the repo cache when PATH has none', () => {
    delete process.env.TEMPORAL_CLI_PATH;
    process.env.PATH = dir; // no temporal here; the cache was filled by this run's global setup
    const cached = ['venv/bin/temporal', 'bin/temporal'].some((f) => fs.existsSync(path.join(CACHE_DIR, f)));
    if (!cached) {
      // Only on a machine whose global setup found `temporal` on PATH and so never filled the cache.
      console.warn(
        'temporal-binaries: cache fallback not checked: .cache/temporal has no CLI on this machine',
      );
      return;
    }
    expect(ensureTemporalCli().startsWith(CACHE_DIR)).toBe(true);
  });

  it('has a time-skipping test server wrapper that execs java (so the SDK can kill the JVM)', () => {
    const wrapper = ensureTestServer();
    expect(wrapper.startsWith(CACHE_DIR)).toBe(true);
    expect(fs.readFileSync(wrapper, 'utf8')).toMatch(
      /^exec java .* io\.temporal\.testserver\.TestServer "\$@"$/m,
    );
  });
});
