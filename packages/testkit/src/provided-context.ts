/** Where the integration-test infrastructure came from. */
export const InfraSource = {
  /** KAFKA_BROKERS and SCHEMA_REGISTRY_URL were set by the caller. */
  Env: 'env',
  /** Started or reused by the local launcher (@kanary/infra). */
  Launcher: 'launcher',
  /** Containers started through testcontainers. */
  Testcontainers: 'testcontainers',
} as const;
export type InfraSource = (typeof InfraSource)[keyof typeof InfraSource];

declare module 'vitest' {
  // Values the integration project's global setup hands to every test file (`inject('kafkaBrokers')`).
  export interface ProvidedContext {
    kafkaBrokers: string[];
    schemaRegistryUrl: string;
    infraSource: InfraSource;
  }
}
