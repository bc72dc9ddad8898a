import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interpolate } from './compose-interpolation.js';
import { configVariables } from './config-variables.js';
import { CONNECTION_ENV, DEPLOYED_SERVICES } from './deployed-services.fixtures.js';
import { REPO_ROOT, readRepoFile } from './repo-files.js';

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string>;
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
  profiles?: string[];
}

const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const version = (dir: string) =>
  (JSON.parse(readRepoFile(join(dir, 'package.json'))) as { version: string }).version;
/** What the compose file's header says to set on the host, made the way it says. */
const HOST_ENV = {
  KANARY_OPERATOR_TOKEN: randomBytes(32).toString('hex'),
  GRAFANA_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
};
/** The environment as the container sees it, with `host` set on the host. */
const containerEnv = (s: ComposeService, host: Record<string, string> = HOST_ENV) =>
  Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), host)]),
  );
const containerPort = (mapping: string) => Number(mapping.split(':').at(-1));
const hostPort = (mapping: string) => Number(mapping.split(':').at(-2));

describe('docker-compose.yml: the Kanary services', () => {
  it.each(DEPLOYED_SERVICES)(
    '$name: image built from the Dockerfile for that service',
    (service) => {
      const s = services[service.name]!;
      expect(s, `service ${service.name}`).toBeDefined();
      expect(s.image).toBe(`kanary/${service.name}:${version(join('services', service.name))}`);
      expect(s.build).toEqual({ context: '.', args: { SERVICE: service.name } });
    },
  );

  it.each(DEPLOYED_SERVICES)(
    '$name: every variable is one the service reads, and the service starts with them',
    (service) => {
      const env = containerEnv(services[service.name]!);
      const known = configVariables(readRepoFile(service.configFile));
      expect(Object.keys(env).filter((v) => !known.has(v))).toEqual([]);
      // Loading throws, naming the variable, if any value is invalid.
      expect(service.port(env)).toBe(service.defaultPort);
    },
  );

  it.each(DEPLOYED_SERVICES)(
    '$name: publishes the port the code listens on, and checks /readyz on it',
    (service) => {
      const s = services[service.name]!;
      expect(s.ports?.map(containerPort)).toEqual([service.defaultPort]);
      const probe = s.healthcheck?.test.join(' ') ?? '';
      expect(probe).toContain(`http://127.0.0.1:${service.defaultPort}/readyz`);
    },
  );

  it.each(DEPLOYED_SERVICES)(
    '$name: starts after the broker is healthy and the topics exist',
    (service) => {
      expect(services[service.name]!.depends_on).toMatchObject({
        kafka: { condition: 'service_healthy' },
        'kanary-init': { condition: 'service_completed_successfully' },
      });
    },
  );

  it('points every Kanary process at the in-network broker listener and registry', () => {
    const kafka = services.kafka!.environment!;
    const registryPort = containerPort(services['schema-registry']!.ports![0]!);
    for (const name of [...DEPLOYED_SERVICES.map((s) => s.name), 'kanary-init', 'kanary']) {
      const env = containerEnv(services[name]!);
      expect(kafka.KAFKA_ADVERTISED_LISTENERS).toContain(`://${env.KAFKA_BROKERS}`);
      expect(env.SCHEMA_REGISTRY_URL).toBe(
        `http://schema-registry:${registryPort}/apis/ccompat/v7`,
      );
    }
  });

  it('bootstraps topics and schemas with the CLI image before anything else', () => {
    const init = services['kanary-init']!;
    expect(init.image).toBe(`kanary/cli:${version('packages/cli')}`);
    expect(init.build).toEqual({ context: '.', args: { SERVICE: 'cli' } });
    expect(init.entrypoint?.join(' ')).toContain(
      'node dist/main.js topics init && node dist/main.js schemas register',
    );
    expect(services.kanary?.profiles).toEqual(['tools']);
  });

  it('gives every published port its own host port', () => {
    const ports = Object.values(services).flatMap((s) => (s.ports ?? []).map(hostPort));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('sets the same operator token for the router and the console', () => {
    expect(containerEnv(services.router!).ROUTER_OPERATOR_TOKEN).toBe(
      HOST_ENV.KANARY_OPERATOR_TOKEN,
    );
    expect(containerEnv(services.console!).CONSOLE_OPERATOR_TOKEN).toBe(
      HOST_ENV.KANARY_OPERATOR_TOKEN,
    );
  });
});

describe('docker-compose.yml: no secret falls back to a value anyone can read', () => {
  it.each([
    ['router', 'KANARY_OPERATOR_TOKEN', 'openssl rand -hex 32'],
    ['console', 'KANARY_OPERATOR_TOKEN', 'openssl rand -hex 32'],
    ['grafana', 'GRAFANA_ADMIN_PASSWORD', 'openssl rand -hex 16'],
  ])('%s: stops unless %s is set, saying how to make one', (service, variable, how) => {
    const without = Object.fromEntries(Object.entries(HOST_ENV).filter(([k]) => k !== variable));
    for (const host of [without, { ...without, [variable]: '' }]) {
      expect(() => containerEnv(services[service]!, host)).toThrow(
        new RegExp(`^${variable}: set ${variable} to a random value, .*${how}$`),
      );
    }
  });

  it('says in its header how to make both', () => {
    const text = readRepoFile('docker-compose.yml');
    expect(text).toContain('export KANARY_OPERATOR_TOKEN=$(openssl rand -hex 32)');
    expect(text).toContain('export GRAFANA_ADMIN_PASSWORD=$(openssl rand -hex 16)');
  });
});

describe('docker-compose.yml: Prometheus and Grafana', () => {
  const mounts = (name: string) =>
    (services[name]!.volumes ?? []).map((v) => {
      const [host = '', container = ''] = v.split(':');
      return { host, container };
    });

  it('mounts configuration files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      for (const { host } of mounts(name))
        expect(existsSync(join(REPO_ROOT, host)), host).toBe(true);
    }
  });

  it('scrapes every Kanary service at the port it serves /metrics on', () => {
    const config = parse(readRepoFile('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((c) =>
      c.static_configs.flatMap((s) => s.targets),
    );
    expect(targets.sort()).toEqual(
      DEPLOYED_SERVICES.map((s) => `${s.name}:${s.defaultPort}`).sort(),
    );
  });

  it('provisions the Prometheus data source the dashboards use, and the dashboard folder', () => {
    const ds = parse(readRepoFile('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: Array<{ uid: string; url: string; type: string }>;
    };
    expect(ds.datasources).toEqual([
      expect.objectContaining({
        uid: 'kanary-prometheus',
        type: 'prometheus',
        url: 'http://prometheus:9090',
      }),
    ]);
    expect(containerPort(services.prometheus!.ports![0]!)).toBe(9090);
    const providers = parse(readRepoFile('deploy/grafana/provisioning/dashboards/kanary.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    const dashboards = mounts('grafana').find(
      (m) => m.container === providers.providers[0]!.options.path,
    );
    expect(dashboards?.host).toBe('./deploy/grafana/dashboards');
    const home = services.grafana!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(existsSync(join(REPO_ROOT, home.replace(dashboards!.container, dashboards!.host)))).toBe(
      true,
    );
  });
});

describe('compose and configuration defaults', () => {
  it.each(DEPLOYED_SERVICES)(
    '$name: the default port of the code is the one documented',
    (service) => {
      expect(service.port({ ...CONNECTION_ENV, ...service.required })).toBe(service.defaultPort);
    },
  );
});
