export {
  CCOMPAT_PATH,
  DEFAULT_CONTROLLER_PORT,
  DEFAULT_KAFKA_PORT,
  DEFAULT_KAFKA_VERSION,
  DEFAULT_REGISTRY_PORT,
  DEFAULT_REGISTRY_VERSION,
  InfraComponent,
  SecurityProtocol,
  resolveInfraConfig,
  type InfraConfig,
  type InfraOptions,
  type KafkaListener,
  type ScramCredential,
} from './infra-config.js';
export { InfraError, InfraErrorCode, isInfraError } from './infra-error.js';
export {
  ensureInfra,
  stopInfra,
  type EnsureInfraOptions,
  type InfraHandle,
} from './ensure-infra.js';
export { kafkaPaths, startKafka, stopKafka } from './kafka-node.js';
export {
  ComponentState,
  infraStatus,
  type ComponentStatus,
  type InfraStatus,
} from './infra-status.js';
export type { ComponentOutcome } from './component-lifecycle.js';
export type { ReadinessWait } from './poll-until-ready.js';
export { localLauncherAvailability } from './launcher-availability.js';
export { probeKafka, waitForKafkaReady } from './kafka-readiness.js';
export { probeRegistry, waitForRegistryReady, type RegistryProbe } from './registry-readiness.js';
export {
  SINGLE_NODE_BROKER_SETTINGS,
  kafkaImageEnvName,
  renderServerProperties,
  singleNodeImageEnvironment,
  type ServerPropertiesInput,
} from './server-properties.js';
export { REGISTRY_SETTINGS, quarkusEnvName, registryImageEnvironment } from './registry-node.js';
