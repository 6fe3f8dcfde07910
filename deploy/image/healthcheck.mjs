// Health check inside the container (Docker HEALTHCHECK, the worker's Kubernetes liveness probe):
//   api     GET http://127.0.0.1:$PORT/healthz answers 200 (the database and Temporal answer)
//   worker  GET http://127.0.0.1:$METRICS_PORT/metrics answers 200 (the Temporal Core runtime runs;
//           the worker binds it to 127.0.0.1, so only a check inside the pod reaches it)
//   migrate nothing to check (a Job)
// Without an argument the role is read from the container's main process (deploy/image/entrypoint.sh).
// Exit 0 healthy, 1 not. Plain Node (no TypeScript loader), so it starts in tens of milliseconds.
import { readFileSync } from 'node:fs';

function roleOfMainProcess() {
  try {
    const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    if (args.some((a) => a.endsWith('worker/main.ts'))) return 'worker';
    if (args.some((a) => a.endsWith('scripts/db-migrate.ts'))) return 'migrate';
  } catch {
    // not Linux, or no /proc: assume the default role
  }
  return 'api';
}

const role = process.argv[2] ?? roleOfMainProcess();
const targets = {
  api: `http://127.0.0.1:${process.env.PORT ?? 3000}/healthz`,
  worker: `http://127.0.0.1:${process.env.METRICS_PORT ?? 9464}/metrics`,
};
if (role === 'migrate') process.exit(0);
const url = targets[role];
if (!url) {
  console.error(`unknown role ${role}: api, worker or migrate`);
  process.exit(2);
}
try {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 4000)),
  });
  if (res.ok) process.exit(0);
  console.error(`${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
} catch (err) {
  console.error(`${url}: ${err instanceof Error ? err.message : String(err)}`);
}
process.exit(1);
