/**
 * The Helm chart (deploy/helm/inburgering-regie), linted and rendered by a real Helm with several
 * value sets; the manifests are parsed and checked: the variables are exactly those the app
 * validates (config/config.ts), secrets only by reference, probes on the app's real health route,
 * resources everywhere (the worker's from its cache size), a non-root read-only security context,
 * API and worker apart, migrations as a hook Job.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../../config/config';
import { systemRoutes } from '../../api/routes/system';
import { VALUES_SCHEMA_FILE, valuesSchemaText } from '../../scripts/helm-values-schema';
import {
  CHART_DIR,
  containerOf,
  find,
  HELM_BUILD_TIMEOUT_MS,
  lint,
  prepareHelm,
  readDockerfile,
  RELEASE,
  render,
  REPO_ROOT,
  template,
  type Manifest,
} from './chart';

const FULLNAME = `${RELEASE}-inburgering-regie`;
const APP_VARIABLES = new Set(Object.keys(envSchema.shape));
/** Not the app's configuration but Node's own: the worker's heap size. */
const NODE_VARIABLES = new Set(['NODE_OPTIONS']);
const defaults = parse(fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as {
  worker: {
    cache: { maxCachedWorkflows: number; rssKiBPerWorkflow: number };
    memory: { baseMiB: number; nativeMiB: number };
  };
};

/** Value sets the chart must render (each also passes `helm lint --strict`). */
const VALUE_SETS: Record<string, object> = {
  defaults: {},
  'Temporal Cloud, Ingress with TLS, image by digest, egress restricted, sign-in': {
    image: { digest: `sha256:${'a'.repeat(64)}` },
    temporal: { address: 'gemeente.abcde.tmprl.cloud:7233', namespace: 'gemeente.abcde', tls: true },
    secrets: {
      TEMPORAL_API_KEY: { name: 'temporal-cloud', key: 'api-key' },
      SMTP_URL: { name: 'mail', key: 'url' },
      OIDC_CLIENT_SECRET: { name: 'oidc', key: 'client-secret' },
    },
    config: {
      OIDC_ISSUER: 'https://login.gemeente.example/realms/medewerkers',
      OIDC_CLIENT_ID: 'inburgering-regie',
      OIDC_ROLE_CLAIM: 'realm_access.roles',
      GEMEENTE_WEBSITE: 'https://www.gemeente.example',
    },
    ingress: { enabled: true, className: 'nginx', tlsSecretName: 'inburgering-tls' },
    networkPolicy: { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] },
  },
  'small: one replica each, no PDB, no NetworkPolicy, no migration Job, small cache of big workflows': {
    api: { replicas: 1 },
    worker: { replicas: 1, cache: { maxCachedWorkflows: 300, rssKiBPerWorkflow: 2048 } },
    podDisruptionBudget: { enabled: false },
    networkPolicy: { enabled: false },
    migrations: { enabled: false },
  },
};

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

/** Every variable a container gets: from the ConfigMap it mounts, and its own env entries. */
function variablesOf(
  manifests: Manifest[],
  workload: Manifest,
): { plain: Record<string, string>; secret: Env[] } {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const container = containerOf(workload) as { envFrom?: any[]; env?: Env[] };
  const plain: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    expect(Object.keys(from)).toEqual(['configMapRef']); // never a whole Secret as env
    Object.assign(plain, find(manifests, 'ConfigMap', from.configMapRef.name).data);
  }
  const secret: Env[] = [];
  for (const entry of container.env ?? []) {
    if (entry.valueFrom) secret.push(entry);
    else plain[entry.name] = entry.value ?? '';
  }
  return { plain, secret };
}

/** Names the app does not know (and that are not Node's own): must be empty. */
function unknownVariables(names: string[]): string[] {
  return names.filter((n) => !APP_VARIABLES.has(n) && !NODE_VARIABLES.has(n));
}

const workloads = (manifests: Manifest[]) =>
  manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');

beforeAll(prepareHelm, HELM_BUILD_TIMEOUT_MS);

describe.each(Object.entries(VALUE_SETS))('chart with values: %s', (_name, values) => {
  let manifests: Manifest[];
  beforeAll(() => {
    manifests = render(values);
  });

  it('passes helm lint --strict', () => {
    const result = lint(values);
    expect(result.stderr + result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it('sets exactly variables the app validates, and the app accepts them in production', () => {
    for (const workload of workloads(manifests)) {
      const { plain, secret } = variablesOf(manifests, workload);
      const names = [...Object.keys(plain), ...secret.map((e) => e.name)];
      expect({ workload: workload.metadata.name, unknown: unknownVariables(names) }).toEqual({
        workload: workload.metadata.name,
        unknown: [],
      });
      // The secrets as IT would fill them: random keys, a PostgreSQL URL, a token.
      const filled: Record<string, string> = {};
      for (const { name } of secret)
        filled[name] =
          name === 'DATABASE_URL'
            ? 'postgresql://app:pw@db.gemeente.example:5432/inburgering'
            : name === 'SMTP_URL'
              ? 'smtp://app:pw@mail.gemeente.example:587'
              : randomBytes(32).toString('base64');
      const config = loadConfig({ ...plain, ...filled });
      expect(config.NODE_ENV).toBe('production');
      expect(config.TEMPORAL_DEV_SERVER).toBe(false);
      expect(config.isPostgres).toBe(true);
      expect(config.HOST).toBe('0.0.0.0');
      // Without the secrets a production start must fail: they really are needed.
      expect(() => loadConfig(plain)).toThrow(/PAYLOAD_KEY\/BSN_KEY: set real keys in production/);
    }
  });

  it('references secrets only: secretKeyRef to existing Secrets, no Secret object, no value in the manifests', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    for (const workload of workloads(manifests)) {
      const { plain, secret } = variablesOf(manifests, workload);
      for (const entry of secret) {
        expect(entry.value).toBeUndefined();
        expect(Object.keys(entry.valueFrom!)).toEqual(['secretKeyRef']);
        expect(entry.valueFrom!.secretKeyRef).toEqual({ name: expect.any(String), key: expect.any(String) });
      }
      expect(secret.map((e) => e.name)).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'PAYLOAD_KEY', 'BSN_KEY']),
      );
      for (const [name, value] of Object.entries(plain)) {
        expect({ name, isSecretVariable: SECRET_VARIABLES.includes(name) }).toEqual({
          name,
          isSecretVariable: false,
        });
        expect({
          name,
          looksLikeKey: Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(value),
        }).toEqual({
          name,
          looksLikeKey: false,
        });
        expect(value).not.toMatch(/:\/\/[^/@:]+:[^/@]+@/); // no credentials in a URL
      }
    }
  });

  it('runs the API and the worker as separate Deployments of one image, the migrations as a hook Job', () => {
    const api = find(manifests, 'Deployment', `${FULLNAME}-api`);
    const worker = find(manifests, 'Deployment', `${FULLNAME}-worker`);
    expect(containerOf(api).args).toEqual(['api']);
    expect(containerOf(worker).args).toEqual(['worker']);
    expect(containerOf(api).image).toBe(containerOf(worker).image);
    expect(api.spec.selector.matchLabels['app.kubernetes.io/component']).toBe('api');
    expect(worker.spec.selector.matchLabels['app.kubernetes.io/component']).toBe('worker');
    expect(containerOf(worker).ports).toBeUndefined(); // nothing to reach from outside the pod
    const service = find(manifests, 'Service', FULLNAME);
    expect(service.spec.selector).toEqual(api.spec.selector.matchLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');

    const migrate = manifests.find((m) => m.kind === 'Job');
    if ((values as { migrations?: { enabled?: boolean } }).migrations?.enabled === false) {
      expect(migrate).toBeUndefined();
      return;
    }
    expect(migrate).toBeDefined();
    expect(migrate!.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(containerOf(migrate!).args).toEqual(['migrate']);
    expect(migrate!.spec.template.spec.restartPolicy).toBe('Never');
    // A pre-install hook runs before the ConfigMap exists: the Job carries the same variables inline.
    const job = variablesOf(manifests, migrate!);
    const apiVars = variablesOf(manifests, api);
    expect(job.plain).toEqual(apiVars.plain);
    expect(job.secret).toEqual(apiVars.secret);
  });

  it('probes the API on its real health route and keeps liveness off the dependencies', () => {
    const api = containerOf(find(manifests, 'Deployment', `${FULLNAME}-api`));
    const { plain } = variablesOf(manifests, find(manifests, 'Deployment', `${FULLNAME}-api`));
    expect(api.ports).toEqual([{ name: 'http', containerPort: Number(plain.PORT), protocol: 'TCP' }]);
    const readiness = api.readinessProbe.httpGet;
    expect(readiness.port).toBe('http');
    const route = systemRoutes.find((r) => r.path === readiness.path);
    expect(route).toMatchObject({ method: 'get', roles: 'public' });
    expect(api.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(api.startupProbe.tcpSocket).toEqual({ port: 'http' });
    for (const probe of [api.readinessProbe, api.livenessProbe, api.startupProbe])
      expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThan(probe.timeoutSeconds);

    const worker = containerOf(find(manifests, 'Deployment', `${FULLNAME}-worker`));
    expect(worker.livenessProbe.exec.command).toEqual(['node', 'deploy/image/healthcheck.mjs', 'worker']);
    expect(fs.existsSync(path.join(REPO_ROOT, worker.livenessProbe.exec.command[1]))).toBe(true);
  });

  it('sets requests and limits on every container; the worker memory follows its cache size', () => {
    for (const workload of workloads(manifests)) {
      const { resources } = containerOf(workload);
      for (const kind of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          expect({
            workload: workload.metadata.name,
            [`${kind}.${resource}`]: resources[kind]?.[resource],
          }).toEqual({
            workload: workload.metadata.name,
            [`${kind}.${resource}`]: expect.anything(),
          });
    }
    const merged = {
      ...defaults.worker,
      ...(values as { worker?: object }).worker,
    } as typeof defaults.worker;
    const worker = find(manifests, 'Deployment', `${FULLNAME}-worker`);
    const { resources, env } = containerOf(worker);
    const memoryMiB = Number(/^(\d+)Mi$/.exec(resources.limits.memory)?.[1]);
    expect(resources.requests.memory).toBe(resources.limits.memory);
    const nodeOptions = (env as Env[]).find((e) => e.name === 'NODE_OPTIONS')!.value!;
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1]);
    // The worker's cache is the one the memory was sized for (worker/main.ts reads it from the config).
    const { plain } = variablesOf(manifests, worker);
    const keys = {
      PAYLOAD_KEY: randomBytes(32).toString('base64'),
      BSN_KEY: randomBytes(32).toString('base64'),
    };
    expect(loadConfig({ ...plain, ...keys }).WORKER_MAX_CACHED_WORKFLOWS).toBe(
      merged.cache.maxCachedWorkflows,
    );
    const wanted =
      merged.memory.baseMiB + (merged.cache.maxCachedWorkflows * merged.cache.rssKiBPerWorkflow) / 1024;
    expect(memoryMiB).toBeGreaterThanOrEqual(wanted);
    expect(memoryMiB).toBeGreaterThan(heapMiB);
    expect(heapMiB).toBeGreaterThan(merged.memory.baseMiB / 2);
  });

  it('runs non-root as the image user, read-only, without capabilities, seccomp RuntimeDefault', () => {
    const user = readDockerfile()
      .filter((i) => i.keyword === 'USER')
      .at(-1)!.args;
    const [uid, gid] = user.split(':').map(Number);
    for (const workload of workloads(manifests)) {
      const pod = workload.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken).toBe(false);
      const container = containerOf(workload);
      expect(container.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // The one writable place, /tmp (HOME and TMPDIR of the image), is an emptyDir.
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: expect.any(String) } }]);
    }
  });

  it('keeps API and worker available through disruptions and closes the worker to connections', () => {
    const set = values as {
      podDisruptionBudget?: { enabled?: boolean };
      networkPolicy?: { enabled?: boolean };
    };
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    if (set.podDisruptionBudget?.enabled === false) expect(pdbs).toEqual([]);
    else
      expect(pdbs.map((p) => p.spec.selector.matchLabels['app.kubernetes.io/component']).sort()).toEqual([
        'api',
        'worker',
      ]);
    if (set.networkPolicy?.enabled === false) {
      expect(policies).toEqual([]);
      return;
    }
    const workerPolicy = find(manifests, 'NetworkPolicy', `${FULLNAME}-worker`);
    expect(workerPolicy.spec.ingress).toEqual([]);
    expect(workerPolicy.spec.policyTypes).toContain('Ingress');
    const apiPolicy = find(manifests, 'NetworkPolicy', `${FULLNAME}-api`);
    expect(apiPolicy.spec.ingress[0].ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
  });
});

/** Variables of the app that carry a secret: key material, passwords, tokens, URLs with credentials. */
const SECRET_VARIABLES = [...APP_VARIABLES].filter(
  (n) => /(?<!_PER)_(KEY|KEYS|SECRET|PASSWORD|TOKEN)$/.test(n) || ['DATABASE_URL', 'SMTP_URL'].includes(n),
);

describe('chart refusals', () => {
  it.each(SECRET_VARIABLES)('refuses %s as plain config (secrets go by reference)', (name) => {
    const result = template({ config: { [name]: 'value' } });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`config.${name} is a secret`);
  });

  it('refuses a secret given as its value instead of a reference (values schema, and the template itself)', () => {
    const values = { secrets: { PAYLOAD_KEY: randomBytes(32).toString('base64') } };
    const bySchema = template(values);
    expect(bySchema.status).not.toBe(0);
    expect(bySchema.stderr).toMatch(/at '\/secrets\/PAYLOAD_KEY'[\s\S]*want object/);
    const byTemplate = template(values, ['--skip-schema-validation']);
    expect(byTemplate.status).not.toBe(0);
    expect(byTemplate.stderr).toContain(
      'secrets.PAYLOAD_KEY must be { name: <existing Secret>, key: <key> }',
    );
  });

  it.each(['DATABASE_URL', 'PAYLOAD_KEY', 'BSN_KEY'])(
    'refuses to render without a reference for %s',
    (name) => {
      const result = template({ secrets: { [name]: null } });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`secrets.${name} is required`);
    },
  );

  it('refuses to override what the chart sets itself, and a non-secret under secrets', () => {
    expect(template({ config: { TEMPORAL_ADDRESS: 'x:7233' } }).stderr).toContain(
      'config.TEMPORAL_ADDRESS is set by the chart itself',
    );
    expect(template({ secrets: { GEMEENTE_NAAM: { name: 'a', key: 'b' } } }).stderr).toContain(
      'secrets.GEMEENTE_NAAM is not a secret variable',
    );
  });

  it('refuses a variable the app does not know (values schema); the manifest check above catches it too', () => {
    const values = { config: { PUBLIC_ULR: 'https://typo.example' } };
    const refused = template(values);
    expect(refused.status).not.toBe(0);
    // (Helm's validator names the object inconsistently from run to run, '/config' or '/secrets'.)
    expect(refused.stderr).toContain("invalid propertyName 'PUBLIC_ULR'");
    const manifests = render(values, ['--skip-schema-validation']);
    const { plain } = variablesOf(manifests, find(manifests, 'Deployment', `${FULLNAME}-api`));
    expect(unknownVariables(Object.keys(plain))).toEqual(['PUBLIC_ULR']);
  });

  it('values.schema.json is the one scripts/helm-values-schema.ts derives from the config schema (npm run helm:schema)', () => {
    expect(fs.readFileSync(VALUES_SCHEMA_FILE, 'utf8')).toBe(valuesSchemaText());
  });

  it('every variable the chart sets itself is one the app knows', () => {
    const manifests = render();
    const { plain } = variablesOf(manifests, find(manifests, 'Deployment', `${FULLNAME}-worker`));
    expect(unknownVariables(Object.keys(plain))).toEqual([]);
  });
});

describe('chart metadata', () => {
  it("appVersion is the app's package.json version, the default image tag", () => {
    const chart = parse(fs.readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as {
      appVersion: string;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(chart.appVersion).toBe(pkg.version);
    const api = find(render(), 'Deployment', `${FULLNAME}-api`);
    expect(containerOf(api).image).toBe(`registry.gemeente.example/inburgering-regie:${pkg.version}`);
    const byDigest = find(
      render({ image: { digest: `sha256:${'b'.repeat(64)}` } }),
      'Deployment',
      `${FULLNAME}-api`,
    );
    expect(containerOf(byDigest).image).toBe(
      `registry.gemeente.example/inburgering-regie@sha256:${'b'.repeat(64)}`,
    );
  });

  it('values.yaml holds no secret value: every entry under secrets is a { name, key } reference', () => {
    const values = parse(fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as {
      secrets: Record<string, unknown>;
    };
    for (const [name, ref] of Object.entries(values.secrets))
      expect({ name, ref }).toEqual({ name, ref: { name: expect.any(String), key: expect.any(String) } });
  });
});
