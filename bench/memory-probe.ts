/**
 * A memory probe for the benchmark's worker processes (never loaded by the service itself): the
 * bench forks a worker with `--expose-gc --require tsx/cjs --require bench/memory-probe.ts`, so
 * this file runs in the worker's main thread and, as a preload, in every worker thread it starts
 * (the SDK runs all workflows of a reused V8 context on one such thread).
 *
 * On an IPC message `{ memoryProbe: id }` from the bench, the main thread asks every thread (over
 * a BroadcastChannel) to run a full garbage collection and report its V8 heap, collects its own
 * garbage too, and answers `{ memoryProbe: id, sample }` once every thread has answered (a busy
 * workflow thread answers after its task): VmRSS after the collections and the heap
 * of each thread. Without the collection, RSS mostly shows how lazily V8 grows and shrinks its heap,
 * not what the cached workflows hold. `{ memoryProbe: id, snapshotDir }` also writes a heap
 * snapshot of each worker thread into that directory (for comparing 0 and N cached workflows).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

export interface HeapSample {
  threadId: number;
  /** V8 heap in use after a full collection, bytes. */
  usedBytes: number;
  /** V8 heap reserved (what the heap holds from the OS), bytes. */
  totalBytes: number;
  /** Memory outside the V8 heap that V8 knows of (ArrayBuffers, ...), bytes. */
  externalBytes: number;
  /** Heap snapshot written, if asked. */
  snapshot?: string;
}

export interface MemorySample {
  /** VmRSS of the process after the collections, bytes. */
  rssBytes: number;
  main: HeapSample;
  /** Every worker thread that answered (the workflow thread among them). */
  threads: HeapSample[];
}

interface ProbeRequest {
  memoryProbe: number;
  snapshotDir?: string;
}

const CHANNEL = 'inburgering-memory-probe';

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory-probe needs --expose-gc');
  gc();
  gc();
}

function heapSample(snapshotDir?: string): HeapSample {
  collect();
  const h = v8.getHeapStatistics();
  const sample: HeapSample = {
    threadId,
    usedBytes: h.used_heap_size,
    totalBytes: h.total_heap_size,
    externalBytes: h.external_memory,
  };
  if (snapshotDir)
    sample.snapshot = v8.writeHeapSnapshot(
      path.join(snapshotDir, `thread-${threadId}-${Date.now()}.heapsnapshot`),
    );
  return sample;
}

function rssBytes(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) * 1024;
}

// Neither the channel nor the IPC listener may keep a process alive that has finished its work
// (a worker that shut down on SIGTERM would otherwise wait for the bench's SIGKILL, and a
// `--cpu-prof` profile of its main thread would never be written): both are unref'd once set up.
const channel = new BroadcastChannel(CHANNEL);

if (isMainThread) {
  const waiting = new Map<number, HeapSample[]>();
  /** Every worker thread started with the probe (each announces itself when it loads it). */
  const known = new Set<number>();
  channel.onmessage = (event) => {
    const m = (event as MessageEvent).data as { hello?: number; reply?: number; sample?: HeapSample };
    if (m.hello !== undefined) known.add(m.hello);
    if (m.reply !== undefined && m.sample) waiting.get(m.reply)?.push(m.sample);
  };
  process.on('message', (message: unknown) => {
    const request = message as Partial<ProbeRequest>;
    if (typeof request?.memoryProbe !== 'number') return;
    const id = request.memoryProbe;
    const threads: HeapSample[] = [];
    waiting.set(id, threads);
    channel.postMessage({ ask: id, snapshotDir: request.snapshotDir });
    // Threads answer between their tasks (a busy workflow thread only when its task is done):
    // answer when every thread that announced itself did, or when the time is up.
    const started = Date.now();
    const poll = setInterval(() => {
      const all = [...known].every((t) => threads.some((s) => s.threadId === t));
      if (!all && Date.now() - started < 120_000) return;
      clearInterval(poll);
      waiting.delete(id);
      const main = heapSample();
      process.send?.({ memoryProbe: id, sample: { rssBytes: rssBytes(), main, threads } });
    }, 50);
  });
  channel.unref();
  process.channel?.unref();
} else {
  channel.postMessage({ hello: threadId });
  channel.onmessage = (event) => {
    const m = (event as MessageEvent).data as { ask?: number; snapshotDir?: string };
    if (m.ask === undefined) return;
    channel.postMessage({ reply: m.ask, sample: heapSample(m.snapshotDir) });
  };
  channel.unref();
}
