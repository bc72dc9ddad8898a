export { InfraSource } from './provided-context.js';
export { testInfra, type TestInfra } from './test-infra.js';
export { uniqueGroupId, uniqueTopic, uniqueTransactionalId } from './unique-names.js';
export {
  connectedAdmin,
  connectedConsumer,
  connectedProducer,
  disconnectTestClients,
  kafkaForTests,
  testLogLevel,
} from './kafka-for-tests.js';
export { createTopics, type TestTopic } from './create-topics.js';
export { waitFor, type WaitForOptions } from './wait-for.js';
export {
  collectMessages,
  waitForMessages,
  type CollectOptions,
  type ConsumedRecord,
  type MessageCollector,
} from './wait-for-messages.js';
export {
  eventCodecForTests,
  produceEncoded,
  registerAvroSchema,
  schemaRegistryForTests,
  waitForDecodedMessages,
  type DecodedRecord,
  type EncodedMessage,
} from './schema-registry.js';
export { freePort } from './free-port.js';
export { wrongKeys, type WrongKey } from './wrong-keys.js';
export { squatGroup } from './group-squatter.js';
export { runToExit, type ProcessOutcome } from './run-to-exit.js';
export {
  containerRuntimeAvailable,
  startContainerInfra,
  type ContainerInfra,
} from './container-infra.js';
