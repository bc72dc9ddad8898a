import {
  type InfraComponent,
  type InfraConfig,
  type InfraOptions,
  resolveInfraConfig,
} from './infra-config.js';
import { kafkaPaths } from './kafka-node.js';
import { probeKafka } from './kafka-readiness.js';
import { ownedProcess } from './managed-process.js';
import { isPortOpen } from './port-probe.js';
import { registryPaths } from './registry-node.js';
import { probeRegistry } from './registry-readiness.js';

export const ComponentState = {
  /** Answers on its port. */
  Running: 'running',
  /** Our process exists but does not answer (yet): starting, stopping or hung. */
  Unresponsive: 'unresponsive',
  /** Something else holds the port. */
  Conflict: 'conflict',
  Stopped: 'stopped',
} as const;
export type ComponentState = (typeof ComponentState)[keyof typeof ComponentState];

export interface ComponentStatus {
  readonly state: ComponentState;
  /** `launcher`: started by this launcher (pid file); `external`: found running, not ours. */
  readonly owner: 'launcher' | 'external' | undefined;
  readonly pid: number | undefined;
  readonly port: number;
  readonly version: string | undefined;
  readonly logFile: string | undefined;
}

export interface InfraStatus {
  readonly kafka: ComponentStatus;
  readonly registry: ComponentStatus;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
}

async function componentStatus(
  config: InfraConfig,
  pidFile: string,
  port: number,
  probe: () => Promise<{ version: string | undefined } | undefined>,
): Promise<ComponentStatus> {
  const owned = await ownedProcess(pidFile);
  const answer = await probe();
  const base = { port, pid: owned?.pid, logFile: owned?.logFile };
  if (owned) {
    return {
      ...base,
      owner: 'launcher',
      state: answer ? 'running' : 'unresponsive',
      version: answer?.version ?? owned.version,
    };
  }
  if (answer) return { ...base, owner: 'external', state: 'running', version: answer.version };
  const state: ComponentState = (await isPortOpen(config.host, port)) ? 'conflict' : 'stopped';
  return { ...base, owner: undefined, state, version: undefined };
}

/** What runs on the configured ports, and whether this launcher started it. */
export async function infraStatus(options: InfraOptions = {}): Promise<InfraStatus> {
  const config = resolveInfraConfig(options);
  const [kafka, registry] = await Promise.all([
    componentStatus(config, kafkaPaths(config).pidFile, config.kafkaPort, async () => {
      const probe = await probeKafka(config.brokers);
      return probe && { version: undefined };
    }),
    componentStatus(config, registryPaths(config).pidFile, config.registryPort, () =>
      probeRegistry(config.registryUrl),
    ),
  ]);
  return { kafka, registry, brokers: config.brokers, registryUrl: config.registryUrl };
}

export const componentNames: Readonly<Record<InfraComponent, string>> = {
  kafka: 'Kafka',
  registry: 'Schema registry',
};
