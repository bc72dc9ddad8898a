import {
  CCOMPAT_PATH,
  DEFAULT_KAFKA_VERSION,
  DEFAULT_REGISTRY_VERSION,
  registryImageEnvironment,
  singleNodeImageEnvironment,
  waitForKafkaReady,
  waitForRegistryReady,
} from '@kanary/infra';
import { freePort } from './free-port.js';

export interface ContainerInfra {
  readonly brokers: string[];
  readonly registryUrl: string;
  stop(): Promise<void>;
}

/** True when testcontainers finds a Docker-compatible engine that answers. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Kafka (apache/kafka, KRaft single node) and Apicurio Registry (in-memory) as containers, with
 * the same broker and registry settings as the local launcher and docker-compose.yml.
 *
 * Kafka hands clients the advertised address, which must be reachable from the host; the mapped
 * port is only known after start, so a free host port is chosen first and bound 1:1. The broker
 * reaches itself (transaction markers) through a second, container-internal listener.
 */
export async function startContainerInfra(): Promise<ContainerInfra> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  const kafkaPort = await freePort();
  const started: { stop(): Promise<unknown> }[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((c) => c.stop()));
  };
  try {
    const kafka = await new GenericContainer(`apache/kafka:${DEFAULT_KAFKA_VERSION}`)
      .withEnvironment({
        ...singleNodeImageEnvironment(),
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${kafkaPort},BROKER://:29092,CONTROLLER://:29093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaPort},BROKER://localhost:29092`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
          'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:29093',
      })
      .withExposedPorts({ container: kafkaPort, host: kafkaPort })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(180_000)
      .start();
    started.push(kafka);
    const registry = await new GenericContainer(
      `apicurio/apicurio-registry:${DEFAULT_REGISTRY_VERSION}`,
    )
      .withEnvironment(registryImageEnvironment())
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp(`${CCOMPAT_PATH}/subjects`, 8080).forStatusCode(200))
      .withStartupTimeout(180_000)
      .start();
    started.push(registry);
    const brokers = [`${host}:${kafkaPort}`];
    const registryUrl = `http://${registry.getHost()}:${registry.getMappedPort(8080)}${CCOMPAT_PATH}`;
    await waitForKafkaReady(brokers, { timeoutMs: 120_000, describe: 'Kafka container' });
    await waitForRegistryReady(registryUrl, {
      timeoutMs: 120_000,
      describe: 'Apicurio Registry container',
    });
    return { brokers, registryUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
