import type { InfraSource } from './provided-context.js';

export interface TestInfra {
  readonly brokers: string[];
  /** Confluent-compatible base URL for `new SchemaRegistry({ host })`. */
  readonly registryUrl: string;
  readonly source: InfraSource | 'unknown';
}

const SOURCES: readonly string[] = ['env', 'launcher', 'testcontainers'] satisfies InfraSource[];

/**
 * Broker and registry addresses for the running test. The integration global setup exports them
 * as KAFKA_BROKERS / SCHEMA_REGISTRY_URL (inherited by test workers and by services that tests
 * spawn) and also `provide`s them for `inject`. Reading the environment keeps these helpers usable
 * outside vitest, e.g. from a benchmark script.
 */
export function testInfra(env: NodeJS.ProcessEnv = process.env): TestInfra {
  const brokers = env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const registryUrl = env.SCHEMA_REGISTRY_URL;
  if (!brokers?.length || !registryUrl) {
    throw new Error(
      'No Kafka broker / schema registry for this test. Run it in the vitest "integration" project ' +
        '(its global setup provides them), or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
    );
  }
  const source = env.KANARY_INFRA_SOURCE ?? '';
  return {
    brokers,
    registryUrl,
    source: SOURCES.includes(source) ? (source as InfraSource) : 'unknown',
  };
}
