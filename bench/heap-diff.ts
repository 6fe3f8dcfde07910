/**
 * What grew between two V8 heap snapshots (e.g. a workflow thread's at the warm-up and after N more
 * cached workflows, written by `bench/memory-bench.ts --snapshots`), by node type and name (the
 * constructor of an object, the name of a closure, "(compiled code)" and so on), largest growth
 * first. With `--per N` the growth is also shown per workflow.
 *
 *   npx tsx bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--per 200] [--top 40]
 *
 * Keep the snapshots small (a few hundred workflows): the file is parsed as one JSON text.
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per "type name". */
function aggregate(file: string): Map<string, { bytes: number; count: number }> {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!]!;
    let name = s.strings[s.nodes[i + nameAt]!] ?? '';
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '';
    if (type === 'number') name = '';
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type} ${name}`.trim();
    const entry = out.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += s.nodes[i + sizeAt]!;
    entry.count += 1;
    out.set(key, entry);
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    if (at < 0) return fallback;
    const value = Number(args[at + 1]);
    args.splice(at, 2);
    return value;
  };
  const per = flag('--per', 1);
  const top = flag('--top', 40);
  const [beforeFile, afterFile] = args;
  if (!beforeFile || !afterFile) throw new Error('usage: heap-diff BEFORE AFTER [--per N] [--top N]');
  const before = aggregate(beforeFile);
  const after = aggregate(afterFile);
  const rows = [...after.entries()].map(([key, a]) => {
    const b = before.get(key) ?? { bytes: 0, count: 0 };
    return { key, bytes: a.bytes - b.bytes, count: a.count - b.count };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const line = (bytes: number, count: number, key: string) =>
    `${(bytes / per).toFixed(0).padStart(10)} B  ${(count / per).toFixed(1).padStart(8)}  ${key}`;
  process.stdout.write(`${'bytes/each'.padStart(12)}  ${'count/each'.padStart(8)}  type name\n`);
  process.stdout.write(
    `${line(
      total,
      rows.reduce((sum, r) => sum + r.count, 0),
      '(all)',
    )}\n`,
  );
  for (const r of rows.slice(0, top)) process.stdout.write(`${line(r.bytes, r.count, r.key)}\n`);
}

main();
