import { inject } from 'vitest';
import type { InfraSource } from './provided-context.js';

export interface TestInfra {
  readonly brokers: string[];
  /** Confluent-compatible base URL for `new SchemaRegistry({ host })`. */
  readonly registryUrl: string;
  readonly source: InfraSource | 'unknown';
}

const fromInject = (): TestInfra | undefined => {
  try {
    const brokers = inject('kafkaBrokers');
    const registryUrl = inject('schemaRegistryUrl');
    if (brokers?.length && registryUrl)
      return { brokers, registryUrl, source: inject('infraSource') };
  } catch {
    // Not inside a vitest worker (a script importing the helpers); fall back to the environment.
  }
  return undefined;
};

/**
 * Broker and registry addresses for the running test: what the integration global setup provided,
 * else KAFKA_BROKERS / SCHEMA_REGISTRY_URL from the environment.
 */
export function testInfra(): TestInfra {
  const provided = fromInject();
  if (provided) return provided;
  const brokers = process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const registryUrl = process.env.SCHEMA_REGISTRY_URL;
  if (brokers?.length && registryUrl) return { brokers, registryUrl, source: 'unknown' };
  throw new Error(
    'No Kafka broker / schema registry for this test. Run it in the vitest "integration" project ' +
      '(its global setup provides them), or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL.',
  );
}
