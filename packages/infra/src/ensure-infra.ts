import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentOutcome } from './component-lifecycle.js';
import {
  type InfraComponent,
  type InfraConfig,
  type InfraOptions,
  resolveInfraConfig,
} from './infra-config.js';
import { ensureKafkaNode, stopKafkaNode } from './kafka-node.js';
import { isProcessAlive } from './managed-process.js';
import { ensureRegistryNode, stopRegistryNode } from './registry-node.js';

export interface EnsureInfraOptions extends InfraOptions {
  /**
   * Start a broker that is not running on its previous data instead of empty storage. The
   * registry keeps schemas in memory, so after a full restart old records would refer to schema
   * ids that no longer exist; hence fresh by default. @default false
   */
  keepKafkaData?: boolean;
}

/** Addresses of a usable broker and registry, and the means to stop what this call started. */
export interface InfraHandle {
  readonly brokers: readonly string[];
  /** Confluent-compatible base URL (`…/apis/ccompat/v7`), for `new SchemaRegistry({ host })`. */
  readonly registryUrl: string;
  /** True when this call started at least one process. */
  readonly startedByUs: boolean;
  readonly started: Readonly<Record<InfraComponent, boolean>>;
  /**
   * Stops what this call started, unless another live process still holds a handle to the same
   * infrastructure (then it is left running for that process). Idempotent.
   */
  stop(): Promise<void>;
  /** Lets go of this handle without stopping anything (what `infra:up` does before it exits). */
  detach(): Promise<void>;
}

// A lease marks "a live process is using this infrastructure", so that one test run finishing
// does not pull the broker from under another run that reused it.
async function takeLease(config: InfraConfig): Promise<string> {
  await mkdir(config.leaseDir, { recursive: true });
  const file = join(config.leaseDir, `${process.pid}-${randomBytes(4).toString('hex')}.lease`);
  await writeFile(file, String(process.pid));
  return file;
}

async function otherLiveLeaseHolders(config: InfraConfig, own: string): Promise<number[]> {
  const holders: number[] = [];
  for (const name of await readdir(config.leaseDir).catch(() => [] as string[])) {
    const file = join(config.leaseDir, name);
    if (file === own) continue;
    const pid = Number(await readFile(file, 'utf8').catch(() => ''));
    if (pid > 0 && isProcessAlive(pid)) holders.push(pid);
    else await rm(file, { force: true });
  }
  return holders;
}

const describeFailures = (reasons: unknown[]): Error => {
  if (reasons.length === 1) return reasons[0] as Error;
  return new AggregateError(reasons, reasons.map((r) => (r as Error).message).join('\n\n'));
};

/**
 * Makes a Kafka broker and a schema registry available: reuses running ones (ours or any that
 * answer correctly on the configured ports), starts the missing ones in parallel, and waits until
 * they are usable. If one fails to start, whatever this call started is stopped again.
 */
export async function ensureInfra(options: EnsureInfraOptions = {}): Promise<InfraHandle> {
  const config = resolveInfraConfig(options);
  const wants = (component: InfraComponent): boolean => config.components.includes(component);
  const lease = await takeLease(config);
  const none: ComponentOutcome = { startedByUs: false, external: false, pid: undefined };
  const [kafka, registry] = await Promise.allSettled([
    wants('kafka') ? ensureKafkaNode(config, !options.keepKafkaData) : Promise.resolve(none),
    wants('registry') ? ensureRegistryNode(config) : Promise.resolve(none),
  ]);
  const started = {
    kafka: kafka.status === 'fulfilled' && kafka.value.startedByUs,
    registry: registry.status === 'fulfilled' && registry.value.startedByUs,
  };
  const stopStarted = async (): Promise<void> => {
    await Promise.all([
      started.kafka && stopKafkaNode(config),
      started.registry && stopRegistryNode(config),
    ]);
  };

  const failures = [kafka, registry].flatMap((r) =>
    r.status === 'rejected' ? [r.reason as unknown] : [],
  );
  if (failures.length > 0) {
    await stopStarted();
    await rm(lease, { force: true });
    throw describeFailures(failures);
  }

  let stopped = false;
  const detach = async (): Promise<void> => {
    stopped = true;
    await rm(lease, { force: true });
  };
  return {
    brokers: config.brokers,
    registryUrl: config.registryUrl,
    startedByUs: started.kafka || started.registry,
    started,
    detach,
    stop: async () => {
      if (stopped) return;
      await detach();
      if (!started.kafka && !started.registry) return;
      const others = await otherLiveLeaseHolders(config, lease);
      if (others.length > 0) {
        config.log(
          `leaving Kafka and the registry running: still used by pid ${others.join(', ')}`,
        );
        return;
      }
      await stopStarted();
    },
  };
}

/**
 * Stops the broker and registry this launcher started from the configured state dir (whoever
 * called `ensureInfra`); processes it did not start are never touched.
 */
export async function stopInfra(
  options: InfraOptions = {},
): Promise<Record<InfraComponent, boolean>> {
  const config = resolveInfraConfig(options);
  const [kafka, registry] = await Promise.all([stopKafkaNode(config), stopRegistryNode(config)]);
  return { kafka, registry };
}
