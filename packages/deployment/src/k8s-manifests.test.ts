import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { configVariables } from './config-variables.js';
import { DEPLOYED_SERVICES } from './deployed-services.fixtures.js';
import { listRepoFiles, readRepoFile } from './repo-files.js';

interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      fieldRef?: { fieldPath: string };
      secretKeyRef?: { name: string; key: string };
      configMapKeyRef?: { name: string; key: string };
    };
  }>;
  livenessProbe?: { httpGet?: { path: string; port: number | string } };
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    replicas?: number;
    serviceName?: string;
    strategy?: { type: string };
    selector?: { matchLabels?: Record<string, string> } & Record<string, unknown>;
    clusterIP?: string;
    ports?: Array<{ name?: string; port: number; targetPort: number | string }>;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

const DIR = 'deploy/k8s';
const files = listRepoFiles(DIR, ['.yaml', '.yml']);
const manifests: Manifest[] = files
  .filter((f) => !f.endsWith('kustomization.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readRepoFile(f)).map((doc) => {
      expect(doc.errors, f).toEqual([]);
      return doc.toJS() as Manifest;
    }),
  );
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const find = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);
const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
const version = (dir: string) =>
  (JSON.parse(readRepoFile(join(dir, 'package.json'))) as { version: string }).version;

/** Secret values as an operator sets them before applying (`openssl rand -hex 32`). */
const REPLACED_SECRETS: Record<string, string> = {
  'operator-token': randomBytes(32).toString('hex'),
};

/**
 * The environment a container starts with, resolved from its ConfigMaps, Secret and fields;
 * Secret values are taken from `secrets` where it has them, else as shipped.
 */
function containerEnv(
  pod: string,
  c: Container,
  secrets: Record<string, string> = REPLACED_SECRETS,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const m = find(source.configMapRef ? 'ConfigMap' : 'Secret', ref!.name);
    expect(m, `${pod}: envFrom ${ref!.name}`).toBeDefined();
    Object.assign(env, m!.data ?? m!.stringData);
  }
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (from?.fieldRef) {
      expect(from.fieldRef.fieldPath).toBe('metadata.name');
      env[e.name] = `${pod}-0`;
    } else if (from?.secretKeyRef || from?.configMapKeyRef) {
      const ref = (from.secretKeyRef ?? from.configMapKeyRef)!;
      const m = find(from.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name);
      const shipped = (m?.stringData ?? m?.data)?.[ref.key];
      const value =
        from.secretKeyRef && shipped !== undefined ? (secrets[ref.key] ?? shipped) : shipped;
      expect(value, `${pod}: ${e.name} from ${ref.name}/${ref.key}`).toBeDefined();
      env[e.name] = value!;
    } else throw new Error(`${pod}: ${e.name} has no value`);
  }
  return env;
}

describe('Kubernetes manifests', () => {
  it('parse, and every document has apiVersion, kind and a name', () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      expect(m.apiVersion, JSON.stringify(m.metadata)).toMatch(/^(v1|apps\/v1|batch\/v1)$/);
      expect(m.kind).toBeTruthy();
      expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('are all listed in kustomization.yaml', () => {
    const kustomization = parseAllDocuments(
      readRepoFile(`${DIR}/kustomization.yaml`),
    )[0]!.toJS() as {
      resources: string[];
    };
    expect(kustomization.resources.map((r) => `${DIR}/${r}`).sort()).toEqual(
      files.filter((f) => !f.endsWith('kustomization.yaml')),
    );
  });

  it.each(DEPLOYED_SERVICES)('$name: a workload running its image, non-root', (service) => {
    const w = workloads.find((m) => m.metadata.name === service.name);
    expect(w, service.name).toBeDefined();
    const pod = w!.spec!.template!;
    expect(w!.spec!.selector!.matchLabels).toEqual(pod.metadata.labels);
    expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
    const [c, ...others] = pod.spec.containers;
    expect(others).toEqual([]);
    expect(c!.image).toBe(`kanary/${service.name}:${version(join('services', service.name))}`);
    expect(c!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
  });

  it.each(DEPLOYED_SERVICES)(
    '$name: configuration from ConfigMaps and Secrets, every variable one the service reads, and it loads',
    (service) => {
      const w = workloads.find((m) => m.metadata.name === service.name)!;
      const c = w.spec!.template!.spec.containers[0]!;
      const env = containerEnv(service.name, c);
      const known = configVariables(readRepoFile(service.configFile));
      expect(Object.keys(env).filter((v) => !known.has(v))).toEqual([]);
      expect(service.port(env)).toBe(c.ports?.[0]?.containerPort);
      expect(env.KAFKA_BROKERS).toBeDefined();
      // Secrets never sit in a ConfigMap or a literal value.
      for (const e of c.env ?? []) {
        if (/TOKEN|PASSWORD/.test(e.name)) expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
      }
    },
  );

  it.each(DEPLOYED_SERVICES.filter((s) => s.name === 'router' || s.name === 'console'))(
    '$name: refuses to start with the operator token secret.yaml ships, naming the variable, until it is replaced',
    (service) => {
      const w = workloads.find((m) => m.metadata.name === service.name)!;
      const c = w.spec!.template!.spec.containers[0]!;
      expect(() => service.port(containerEnv(service.name, c, {}))).toThrow(
        /_OPERATOR_TOKEN \(set\): is a placeholder published in Kanary's own files/,
      );
      expect(service.port(containerEnv(service.name, c))).toBe(c.ports?.[0]?.containerPort);
    },
  );

  it.each(DEPLOYED_SERVICES)(
    '$name: liveness on /healthz and readiness on /readyz at the port the service listens on, with resource requests and limits',
    (service) => {
      const w = workloads.find((m) => m.metadata.name === service.name)!;
      const c = w.spec!.template!.spec.containers[0]!;
      const port = service.port(containerEnv(service.name, c));
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port });
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port });
      for (const resource of ['cpu', 'memory']) {
        expect(c.resources?.requests?.[resource], `${resource} request`).toBeDefined();
        expect(c.resources?.limits?.[resource], `${resource} limit`).toBeDefined();
      }
    },
  );

  it('gives the exactly-once services a stable instance id: StatefulSets named by pod', () => {
    for (const name of ['router', 'model-worker', 'evaluator']) {
      const w = find('StatefulSet', name);
      expect(w, name).toBeDefined();
      const env = w!.spec!.template!.spec.containers[0]!.env ?? [];
      expect(env.find((e) => e.name === 'KANARY_INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath).toBe(
        'metadata.name',
      );
      const governing = find('Service', w!.spec!.serviceName!);
      expect(governing?.spec?.clusterIP, `${name}: headless ${w!.spec!.serviceName}`).toBe('None');
    }
  });

  it('runs exactly one decision service, replaced rather than rolled', () => {
    const d = find('Deployment', 'decision');
    expect(d?.spec?.replicas).toBe(1);
    expect(d?.spec?.strategy?.type).toBe('Recreate');
  });

  it('points every Service at pods that exist, on a port they declare', () => {
    for (const s of byKind('Service')) {
      const selector = s.spec!.selector as Record<string, string>;
      const targets = workloads.filter((w) =>
        Object.entries(selector).every(([k, v]) => w.spec!.template!.metadata.labels[k] === v),
      );
      expect(targets.length, s.metadata.name).toBeGreaterThan(0);
      const ports = targets.flatMap((w) =>
        w.spec!.template!.spec.containers.flatMap((c) => c.ports ?? []),
      );
      for (const p of s.spec!.ports!) {
        expect(
          ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
          `${s.metadata.name}: targetPort ${p.targetPort}`,
        ).toBe(true);
      }
    }
  });

  it('bootstraps topics and schemas with a Job of the CLI image', () => {
    const job = find('Job', 'kanary-init');
    const c = job?.spec?.template?.spec.containers[0];
    expect(c?.image).toBe(`kanary/cli:${version('packages/cli')}`);
    expect(c?.command?.join(' ')).toContain('topics init && node dist/main.js schemas register');
    const env = containerEnv('kanary-init', c!);
    expect(env.KANARY_DATA_PARTITIONS).toBeDefined();
  });
});
