/**
 * Reading other processes from /proc (Linux): their CPU time and their children. For the benchmark
 * (CPU per workflow of the dev server and the workers) and the tests of `npm start` (its worker
 * process).
 */
import fs from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name and its closing parenthesis. */
function statFields(pid: number | string): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name and state.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** USER_HZ, the unit of those fields: 100 on Linux (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** The ids of `parent`'s child processes whose command line contains `match`. */
export function childPids(parent: number, match: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) !== parent) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(match)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
