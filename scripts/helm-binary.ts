/**
 * Obtains Helm, which the deployment tests use to lint and render the chart in deploy/helm/: built
 * from its Go module (`go install helm.sh/helm/v3/cmd/helm@<pinned>`) with the machine's Go, into
 * the git-ignored `.cache/helm/` (binary in `bin/`, Go module and build caches beside it, so nothing
 * lands in the user's home). Skipped when `.cache/helm/bin/helm` already reports the pinned version.
 * A fresh clone builds it on first use (`npm test` or `npm run helm:install`); nothing is downloaded
 * once it is there.
 *
 * Run directly: `tsx scripts/helm-binary.ts` installs it and prints its path and version.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');
export const HELM_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'helm');
/** Pinned: bump here, in one place (the Go module proxy must have it; helm v3.22 needs Go ≥ 1.26.0). */
export const HELM_MODULE = 'helm.sh/helm/v3';
export const HELM_VERSION = 'v3.22.0';
const helmBin = path.join(HELM_CACHE_DIR, 'bin', 'helm');

function say(message: string): void {
  process.stderr.write(`[helm-binary] ${message}\n`);
}

/** The version the binary at `file` reports, or undefined when it is missing or broken. */
function versionOf(file: string): string | undefined {
  try {
    return execFileSync(file, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** npm test and npm run helm:install may race on a fresh clone: mkdir is atomic, the first one builds. */
function withLock<T>(work: () => T): T {
  fs.mkdirSync(HELM_CACHE_DIR, { recursive: true });
  const lock = path.join(HELM_CACHE_DIR, 'install.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}; remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function build(): void {
  const gopath = path.join(HELM_CACHE_DIR, 'gopath');
  const env = {
    ...process.env,
    // The machine's Go, or (when older than the module needs) the toolchain the module asks for, from the proxy.
    GOTOOLCHAIN: 'auto',
    GOBIN: path.dirname(helmBin),
    GOPATH: gopath,
    GOMODCACHE: path.join(gopath, 'pkg', 'mod'),
    GOCACHE: path.join(HELM_CACHE_DIR, 'gocache'),
    // Writable module cache, so `rm -rf .cache` works; static binary; version stamped as helm's Makefile does.
    GOFLAGS: '-modcacherw -buildvcs=false',
    CGO_ENABLED: '0',
  };
  const ldflags = `-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`;
  const args = ['install', '-trimpath', '-ldflags', ldflags, `${HELM_MODULE}/cmd/helm@${HELM_VERSION}`];
  say(
    `building Helm ${HELM_VERSION} from the Go module proxy into ${helmBin} (a few minutes the first time)`,
  );
  say(`$ go ${args.join(' ')}`);
  execFileSync('go', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
}

/** Path of a `helm` binary of the pinned version, building it into `.cache/helm/` when missing. */
export function ensureHelm(): string {
  if (versionOf(helmBin) === HELM_VERSION) return helmBin;
  return withLock(() => {
    if (versionOf(helmBin) !== HELM_VERSION) build();
    const built = versionOf(helmBin);
    if (built !== HELM_VERSION)
      throw new Error(`${helmBin} reports ${built ?? 'nothing'}, expected ${HELM_VERSION}`);
    return helmBin;
  });
}

if (require.main === module) {
  const started = Date.now();
  const helm = ensureHelm();
  say(`${helm}: ${versionOf(helm)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
