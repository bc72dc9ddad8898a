import {
  ensureInfra,
  localLauncherAvailability,
  waitForKafkaReady,
  waitForRegistryReady,
} from '@kanary/infra';
import type { TestProject } from 'vitest/node';
import { containerRuntimeAvailable, startContainerInfra } from './container-infra.js';
import { InfraSource } from './provided-context.js';

interface DiscoveredInfra {
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly source: InfraSource;
  readonly description: string;
  readonly stop: () => Promise<void>;
}

const say = (line: string): void => {
  process.stderr.write(`[testkit] ${line}\n`);
};

async function fromEnvironment(brokersVar: string, registryUrl: string): Promise<DiscoveredInfra> {
  const brokers = brokersVar
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  // Fail with the variable names rather than with the first test's connection error.
  await waitForKafkaReady(brokers, {
    timeoutMs: 60_000,
    describe: `Kafka from KAFKA_BROKERS=${brokersVar}`,
  });
  await waitForRegistryReady(registryUrl, {
    timeoutMs: 60_000,
    describe: `registry from SCHEMA_REGISTRY_URL=${registryUrl}`,
  });
  return {
    brokers,
    registryUrl,
    source: InfraSource.Env,
    description: 'from KAFKA_BROKERS / SCHEMA_REGISTRY_URL',
    stop: async () => {},
  };
}

/**
 * Finds a broker and registry for the integration tests, in this order: KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL from the environment; the local launcher (Java + Maven, no Docker); Docker
 * containers through testcontainers. Whatever it started is stopped at teardown.
 */
async function discoverInfra(): Promise<DiscoveredInfra> {
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL } = process.env;
  if (KAFKA_BROKERS && SCHEMA_REGISTRY_URL)
    return fromEnvironment(KAFKA_BROKERS, SCHEMA_REGISTRY_URL);

  const launcher = await localLauncherAvailability();
  if (launcher.available) {
    const infra = await ensureInfra({ log: say });
    return {
      brokers: [...infra.brokers],
      registryUrl: infra.registryUrl,
      source: InfraSource.Launcher,
      description: infra.startedByUs
        ? 'started by the local launcher for this run'
        : 'already running (local launcher), left running',
      stop: () => infra.stop(),
    };
  }
  if (await containerRuntimeAvailable()) {
    say(`local launcher unavailable (${launcher.reason}); starting containers`);
    const containers = await startContainerInfra();
    return {
      ...containers,
      source: InfraSource.Testcontainers,
      description: 'containers for this run',
    };
  }
  throw new Error(
    'Integration tests need a Kafka broker and a schema registry. Provide one of:\n' +
      '  1. KAFKA_BROKERS=host:port and SCHEMA_REGISTRY_URL=http://host:port/apis/ccompat/v7 (e.g. after `pnpm infra:up` or `docker compose up -d`);\n' +
      `  2. a JDK 17+ and Maven on PATH, so the local launcher can start them (unavailable: ${launcher.reason});\n` +
      '  3. a Docker engine for testcontainers (none answered).',
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await discoverInfra();
  say(`Kafka ${infra.brokers.join(',')}, registry ${infra.registryUrl} (${infra.description})`);
  project.provide('kafkaBrokers', infra.brokers);
  project.provide('schemaRegistryUrl', infra.registryUrl);
  project.provide('infraSource', infra.source);
  // Child processes started by tests (services under test) find the infrastructure the usual way.
  process.env.KAFKA_BROKERS = infra.brokers.join(',');
  process.env.SCHEMA_REGISTRY_URL = infra.registryUrl;
  process.env.KANARY_INFRA_SOURCE = infra.source;
  return infra.stop;
}
