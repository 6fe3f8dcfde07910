/**
 * Helpers of the deployment tests: Helm (built by scripts/helm-binary.ts into .cache/helm on first
 * use), the chart rendered with a set of values and parsed with the `yaml` package, and the Dockerfile
 * read into its instructions.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ensureHelm } from '../../scripts/helm-binary';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CHART_DIR = path.join(REPO_ROOT, 'deploy', 'helm', 'inburgering-regie');
export const RELEASE = 'regie';
export const NAMESPACE = 'inburgering';
/** The Kubernetes version the manifests are rendered for (Helm's default is older than the chart allows). */
export const KUBE_VERSION = '1.31.0';

/** A rendered Kubernetes object, loosely typed: the tests read what they assert on. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
};

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let helm: string | undefined;

/** How long the first Helm build may take on a fresh machine (about 12 minutes on 2 busy cores). */
export const HELM_BUILD_TIMEOUT_MS = 30 * 60_000;

/** Call in a beforeAll with HELM_BUILD_TIMEOUT_MS: builds Helm on first use, instant afterwards. */
export function prepareHelm(): void {
  helm ??= ensureHelm();
}

/** Runs helm with the values written to a file (`-f`), so nested and null values behave as in a values file. */
export function runHelm(args: string[], values: object = {}): HelmResult {
  helm ??= ensureHelm();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
  const file = path.join(dir, 'values.yaml');
  fs.writeFileSync(file, stringify(values));
  try {
    // HELM_* caches in the temp dir: Helm writes nothing into the user's home.
    const env = {
      ...process.env,
      HELM_CACHE_HOME: dir,
      HELM_CONFIG_HOME: dir,
      HELM_DATA_HOME: dir,
    };
    const result = spawnSync(helm, [...args, '-f', file], { encoding: 'utf8', env });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function lint(values: object = {}): HelmResult {
  return runHelm(['lint', '--strict', '--kube-version', KUBE_VERSION, CHART_DIR], values);
}

/** `helm template` output, or the failure's message. */
export function template(values: object = {}, extraArgs: string[] = []): HelmResult {
  return runHelm(
    ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--kube-version', KUBE_VERSION, ...extraArgs],
    values,
  );
}

/** The rendered manifests, parsed; throws with Helm's message when rendering fails. */
export function render(values: object = {}, extraArgs: string[] = []): Manifest[] {
  const result = template(values, extraArgs);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} in: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`,
    );
  return found;
}

/** The one container of a Deployment's or a Job's pod template. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function containerOf(workload: Manifest): any {
  const containers = workload.spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

// ---- the Dockerfile --------------------------------------------------------------------------------

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  args: string;
  /** Index of the build stage (0 = the first FROM). */
  stage: number;
}

/** The Dockerfile's instructions: comments dropped, `\` continuation lines joined. */
export function readDockerfile(file = path.join(REPO_ROOT, 'Dockerfile')): Instruction[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const instructions: Instruction[] = [];
  let stage = -1;
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const match = /^(\w+)\s+([\s\S]*)$/.exec(current.trim());
    current = '';
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage += 1;
    instructions.push({ keyword, args: match[2]!.trim(), stage });
  }
  return instructions;
}

/** An exec-form (JSON array) argument list, e.g. of CMD or ENTRYPOINT. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`not an exec-form array: ${args}`);
  return parsed;
}

/** `ENV A=1 B=2` (or `ENV A 1`) as a map. */
export function envOf(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [name, ...rest] = args.split(/\s+/);
    return { [name!]: rest.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const pair of args.match(/\S+=("[^"]*"|\S*)/g) ?? []) {
    const eq = pair.indexOf('=');
    env[pair.slice(0, eq)] = pair.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return env;
}
