/**
 * The Dockerfile, checked without a Docker engine: its instructions parsed, the files it copies
 * compared with what the entry points import (esbuild's dependency graph), the runtime user, the
 * roles of the entry point, no secrets, and a base image pinned to an exact Node release.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { envSchema } from '../../config/config';
import { envOf, execForm, readDockerfile, REPO_ROOT } from './chart';

const instructions = readDockerfile();
const lastStage = Math.max(...instructions.map((i) => i.stage));
const runtime = instructions.filter((i) => i.stage === lastStage);
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const entrypointScript = fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'image', 'entrypoint.sh'), 'utf8');

/** role → the file the entry point runs for it (`exec node --import tsx <file>`). */
function entrypointRoles(): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const [, role, file] of entrypointScript.matchAll(/^\s*(\w[\w-]*)\) exec node --import tsx (\S+)/gm))
    roles[role!] = file!;
  return roles;
}

/** The TypeScript file a package.json script runs with tsx. */
const scriptFile = (name: string) => /^tsx (\S+\.ts)$/.exec(pkg.scripts[name] ?? '')?.[1];

const ENTRY_POINTS = Object.values(entrypointRoles());

/** Files and packages the entry points load, from esbuild's dependency graph (nothing is written). */
async function dependencyGraph(): Promise<{ files: string[]; packages: Set<string> }> {
  const result = await build({
    entryPoints: ENTRY_POINTS.map((f) => path.join(REPO_ROOT, f)),
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
    outdir: path.join(REPO_ROOT, 'dist', 'graph'),
  });
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs))
    for (const imported of input.imports)
      if (imported.external && !imported.path.startsWith('node:') && !imported.path.startsWith('.')) {
        const parts = imported.path.split('/');
        packages.add(imported.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
  return { files: Object.keys(result.metafile.inputs), packages };
}

describe('Dockerfile', () => {
  it('builds in a builder stage and runs on a slim Node of the exact same release', () => {
    const arg = instructions.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_VERSION='));
    const version = arg?.args.split('=')[1] ?? '';
    expect(version).toMatch(/^20\.\d+\.\d+$/); // exact release, not `20` or `latest`
    const [major, minor] = version.split('.').map(Number);
    expect(major === 20 && minor! >= 19).toBe(true); // package.json engines: >=20.19 <21
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    expect(froms).toEqual([
      'node:${NODE_VERSION}-bookworm AS build',
      'node:${NODE_VERSION}-bookworm-slim AS runtime',
    ]);
    const buildSteps = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
    expect(buildSteps).toEqual(
      expect.arrayContaining([
        'npm ci',
        expect.stringMatching(/^npm run build:web/),
        expect.stringMatching(/^npm prune --omit=dev/),
      ]),
    );
    // npm ci's postinstall generates the Prisma clients: the schemas must be there before it.
    const order = instructions.filter((i) => i.stage === 0).map((i) => `${i.keyword} ${i.args}`);
    expect(order.indexOf('COPY prisma ./prisma')).toBeLessThan(order.indexOf('RUN npm ci'));
    expect(pkg.scripts.postinstall).toMatch(/db:generate/);
    expect(pkg.scripts['db:generate']).toMatch(/prisma generate/);
  });

  it('runs as a numeric non-root user', () => {
    const users = runtime.filter((i) => i.keyword === 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]!.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // USER comes after every instruction that needs root (apt-get, COPY ownership).
    const index = runtime.indexOf(users[0]!);
    expect(runtime.slice(index + 1).map((i) => i.keyword)).not.toContain('RUN');
  });

  it('has an entry point per role: api, worker and migrate run the files package.json runs', () => {
    const entrypoint = execForm(runtime.find((i) => i.keyword === 'ENTRYPOINT')!.args);
    expect(entrypoint).toEqual(['/app/deploy/image/entrypoint.sh']);
    expect(fs.statSync(path.join(REPO_ROOT, 'deploy', 'image', 'entrypoint.sh')).mode & 0o111).toBeTruthy();
    expect(execForm(runtime.find((i) => i.keyword === 'CMD')!.args)).toEqual(['api']);
    expect(entrypointRoles()).toEqual({
      api: scriptFile('api'),
      worker: scriptFile('worker'),
      migrate: scriptFile('db:migrate'),
    });
    // tsx runs the TypeScript in production, so it must survive `npm prune --omit=dev`.
    expect(pkg.dependencies.tsx).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has a HEALTHCHECK with the script the worker probe also uses', () => {
    const check = runtime.find((i) => i.keyword === 'HEALTHCHECK')!;
    const command = execForm(check.args.replace(/^.*?CMD\s+/, ''));
    expect(command).toEqual(['node', 'deploy/image/healthcheck.mjs']);
    expect(fs.existsSync(path.join(REPO_ROOT, command[1]!))).toBe(true);
  });

  it('copies what exists in the repository, and everything the entry points load', async () => {
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(/\s+/));
    const copied: string[] = [];
    for (const parts of copies) {
      expect(parts[0]).toBe('--from=build');
      for (const source of parts.slice(1, -1)) {
        const relative = path.relative('/app', source);
        copied.push(relative);
        // node_modules is made by npm ci in the build stage and workflow-bundle by
        // `npm run build:workflows` there (a RUN step below checks it); the rest comes from the repository.
        if (relative !== 'node_modules' && relative !== 'workflow-bundle')
          expect({ source, exists: fs.existsSync(path.join(REPO_ROOT, relative)) }).toEqual({
            source,
            exists: true,
          });
      }
    }
    for (const parts of instructions
      .filter((i) => i.stage === 0 && i.keyword === 'COPY')
      .map((i) => i.args.split(/\s+/)))
      for (const source of parts.slice(0, -1))
        if (source !== '.') expect(fs.existsSync(path.join(REPO_ROOT, source))).toBe(true);

    // The prebuilt workflow bundle is made in the build stage and named by WORKFLOW_BUNDLE_PATH.
    expect(
      instructions.some(
        (i) =>
          i.stage === 0 && i.keyword === 'RUN' && i.args.includes('build:workflows -- /app/workflow-bundle/'),
      ),
    ).toBe(true);
    expect(runtime.find((i) => i.keyword === 'ENV')?.args).toContain(
      'WORKFLOW_BUNDLE_PATH=/app/workflow-bundle/',
    );
    const isCopied = (file: string) => copied.some((c) => file === c || file.startsWith(`${c}/`));
    const { files, packages } = await dependencyGraph();
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !isCopied(f))).toEqual([]);
    // Read from disk at run time, not imported: the pages' sources, the texts, the migrations.
    for (const dir of ['web', 'locales', 'prisma/sqlite/migrations', 'prisma/postgresql/migrations'])
      expect({ dir, copied: isCopied(dir) }).toEqual({ dir, copied: true });
    // Every package they import survives `npm prune --omit=dev`: in the lock file and not dev-only.
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const missing = [...packages].filter((p) => {
      const entry = lock.packages[`node_modules/${p}`];
      return !entry || entry.dev === true;
    });
    expect(missing).toEqual([]);
  });

  it('bakes no secret into the image: environment and build arguments hold no key, password or token', () => {
    const appVariables = new Set(Object.keys(envSchema.shape));
    for (const i of instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      const env =
        i.keyword === 'ENV' ? envOf(i.args) : { [i.args.split('=')[0]!]: i.args.split('=')[1] ?? '' };
      for (const [name, value] of Object.entries(env)) {
        expect(name).not.toMatch(/KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL|SMTP_URL/);
        expect(value).not.toMatch(/:\/\/[^/@:]+:[^/@]+@/);
        // Runtime ENV: either the app's own variables or the process's (HOME, TMPDIR).
        if (i.stage === lastStage && i.keyword === 'ENV')
          expect({ name, known: appVariables.has(name) || ['HOME', 'TMPDIR'].includes(name) }).toEqual({
            name,
            known: true,
          });
      }
    }
    const ignored = fs.readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining(['.env', '.env.*', '**/node_modules', '**/generated', '.cache', 'data', '.git']),
    );
  });

  it('the runtime ENV makes the app a production, cluster-connected service listening on all interfaces', () => {
    const env = Object.assign(
      {},
      ...runtime.filter((i) => i.keyword === 'ENV').map((i) => envOf(i.args)),
    ) as Record<string, string>;
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      TEMPORAL_DEV_SERVER: 'false',
      HOST: '0.0.0.0',
      HOME: '/tmp',
      TMPDIR: '/tmp',
    });
    expect(runtime.find((i) => i.keyword === 'EXPOSE')?.args).toBe(env.PORT);
  });
});
