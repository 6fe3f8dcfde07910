/** Small measuring tools: percentiles, a bounded concurrency pool, ops/s of a synchronous function. */
import v8 from 'node:v8';
import vm from 'node:vm';

export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of samples (ms). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function latencies(samples: readonly number[]): Latencies {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    // Not Math.max(...samples): a run of 5,000 imported rows collects ~130,000 samples, beyond the
    // number of arguments a call may take.
    max: samples.length ? samples.reduce((a, b) => Math.max(a, b), -Infinity) : Number.NaN,
    mean: samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : Number.NaN,
  };
}

export const nowMs = (): number => performance.now();

/** Runs `fn` over `items` with at most `concurrency` in flight; the first error stops the rest. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const lane = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failed !== undefined) throw failed;
}

/**
 * Calls `fn` in batches until `seconds` have passed (after a short warm-up) and answers calls per
 * second. The results go into a sink so the JIT cannot drop the work.
 */
export function opsPerSecond(fn: () => unknown, seconds: number): { ops: number; perSecond: number } {
  const sink: unknown[] = [];
  const warmUntil = nowMs() + Math.min(200, seconds * 200);
  while (nowMs() < warmUntil) sink[0] = fn();
  let ops = 0;
  const start = nowMs();
  const end = start + seconds * 1000;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 25; i++) sink[i & 3] = fn();
    ops += 25;
    t = nowMs();
  }
  if (sink.length === 0) throw new Error('unreachable');
  return { ops, perSecond: ops / ((t - start) / 1000) };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every `intervalMs` until it is true; false when `timeoutMs` ran out. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Memory

let gcFn: (() => void) | undefined;

/** A full garbage collection (exposes V8's gc without needing --expose-gc on the command line). */
export function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

export interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
}

const MB = 1024 * 1024;

/** RSS of the whole process (all threads: the workflow thread's V8 heap too) and the main heap. */
export async function memorySample(): Promise<MemorySample> {
  for (let i = 0; i < 2; i++) {
    fullGc();
    await sleep(100);
  }
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, externalMb: m.external / MB };
}

/** Runs a bench file on its own (`npx tsx bench/<name>.ts`): exit 0 when done, 1 with the error. */
export function runAsScript(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${String(err instanceof Error ? err.stack : err)}\n`);
      process.exit(1);
    },
  );
}
