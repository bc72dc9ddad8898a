import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DemoService as Service,
  ServiceProcess,
  repositoryRoot,
  type ServiceExit,
} from '@kanary/cli/service-process';
import { EventCodec, topicCatalog, type TopicCatalog } from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
import { freePort, testLogLevel, uniqueTopic, waitFor } from '@kanary/testkit';
import { Kafka, type KafkaConfig } from 'kafkajs';

export { Service };

export const ALL_SERVICES: readonly Service[] = Object.values(Service);

/** Where a pipeline's services find Kafka and the registry, and how the test reaches them. */
export interface PipelineOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  /** Partitions of the data topics. @default 4 */
  readonly partitions?: number;
  /** Topic prefix. @default a unique one */
  readonly prefix?: string;
  /** Variables every service gets (SASL, registry credentials, log level...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Variables per service, on top of the defaults below. */
  readonly serviceEnv?: Partial<Record<Service, Readonly<Record<string, string>>>>;
  /** kafkajs settings for the test's own clients (e.g. SASL for a secured broker). */
  readonly client?: Partial<KafkaConfig>;
  /** Directory of the service logs. @default .kanary/test-logs/<prefix> */
  readonly logDir?: string;
  /**
   * Start a service again when its process exits on its own (a service exits when a consumer
   * stops for good), as Kubernetes or systemd would. Exits caused by {@link ServicePipeline.kill}
   * or {@link ServicePipeline.stopAll} are left alone. @default false
   */
  readonly supervise?: boolean;
}

/** Restarts by the supervisor per service before it gives up (a crash loop is a failure). */
const MAX_SUPERVISED_RESTARTS = 5;

/**
 * The operator token every pipeline's router is configured with, made per run like a real one:
 * the services refuse fixed placeholder-like values.
 */
export const OPERATOR_TOKEN = randomBytes(16).toString('hex');

/**
 * Session timeouts short enough that a killed member's partitions move within seconds (the
 * defaults hold them for 15 s), and a decision report on every tick, so that a report always
 * carries the statistics it judged.
 */
const SERVICE_DEFAULTS: Record<Service, Record<string, string>> = {
  router: {
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_OPERATOR_TOKEN: OPERATOR_TOKEN,
    ROUTER_SESSION_TIMEOUT_MS: '6000',
  },
  'model-worker': { WORKER_SESSION_TIMEOUT_MS: '6000' },
  evaluator: {
    EVALUATOR_SESSION_TIMEOUT_MS: '6000',
    EVALUATOR_HEARTBEAT_INTERVAL_MS: '1000',
    EVALUATOR_PUNCTUATE_INTERVAL_MS: '500',
    EVALUATOR_METRICS_INTERVAL_MS: '2000',
  },
  decision: {
    DECISION_OPS_HOST: '127.0.0.1',
    DECISION_INTERVAL_MS: '1000',
    DECISION_HOLD_REPORT_INTERVAL_MS: '0',
  },
};

const PORT_VARIABLE: Record<Service, string> = {
  router: 'ROUTER_HTTP_PORT',
  'model-worker': 'OPS_PORT',
  evaluator: 'OPS_PORT',
  decision: 'DECISION_OPS_PORT',
};

/**
 * The four services as child processes on a topic prefix of their own, each on a fixed port so
 * that a restarted process answers where its predecessor did. Every process of a service
 * appends to one log file, so a test can search everything a service ever logged.
 */
export class ServicePipeline {
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
  /** A kafkajs client of the pipeline's broker for the test's own producers and readers. */
  readonly kafka: Kafka;
  /** The current process of each service's first instance (by service) and of each replica (by instance id). */
  private readonly processes = new Map<string, ServiceProcess>();
  /** Replicas started, by instance id. */
  private readonly replicas = new Map<string, { service: Service; port: number }>();
  /** Processes whose exit is expected (killed or stopped by the test). */
  private readonly expectedExits = new WeakSet<ServiceProcess>();
  private stopping = false;
  /** Processes started per service by the test (the supervisor's restarts not included). */
  readonly starts: Record<Service, number> = {
    router: 0,
    'model-worker': 0,
    evaluator: 0,
    decision: 0,
  };
  /** Processes the supervisor started after one exited on its own, with how it had ended. */
  readonly restarts: Array<{ service: Service; exit: ServiceExit; at: number }> = [];

  /** The supervisor's restarts for a report: service and exit code or signal. */
  restartSummary(): Array<{ service: Service; exit: string | number | null }> {
    return this.restarts.map((r) => ({ service: r.service, exit: r.exit.signal ?? r.exit.code }));
  }

  private constructor(
    readonly prefix: string,
    readonly partitions: number,
    readonly logDir: string,
    private readonly options: PipelineOptions,
    readonly ports: Readonly<Record<Service, number>>,
  ) {
    this.catalog = topicCatalog({ prefix, dataPartitions: partitions });
    this.codec = new EventCodec({ url: options.registryUrl });
    this.kafka = new Kafka({
      clientId: `kanary-test-${prefix}`,
      brokers: [...options.brokers],
      logLevel: testLogLevel(),
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
      ...options.client,
    });
  }

  /** Creates the pipeline's topics (waiting until each has a leader) and picks the ports. */
  static async create(options: PipelineOptions): Promise<ServicePipeline> {
    const prefix = options.prefix ?? uniqueTopic('chaos');
    const partitions = options.partitions ?? 4;
    const logDir = options.logDir ?? join(repositoryRoot(), '.kanary', 'test-logs', prefix);
    await mkdir(logDir, { recursive: true });
    const ports = {
      router: await freePort(),
      'model-worker': await freePort(),
      evaluator: await freePort(),
      decision: await freePort(),
    };
    const pipeline = new ServicePipeline(prefix, partitions, logDir, options, ports);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      // A just-created topic can answer "not the leader" for a moment; wait until each serves.
      await waitFor(() => ensureTopics(admin, pipeline.catalog).then(() => true), {
        timeoutMs: 60_000,
      });
      for (const topic of Object.values(pipeline.catalog)) {
        await waitFor(() => admin.fetchTopicOffsets(topic.name), { timeoutMs: 60_000 });
      }
    } finally {
      await admin.disconnect();
    }
    return pipeline;
  }

  /**
   * Registers the schema of every event topic. Before the services start: a subject's first
   * registration by two processes at once can make the registry answer 409 to one of them (its
   * compatibility rule is created twice).
   */
  async registerSchemas(): Promise<void> {
    for (const topic of Object.values(this.catalog)) {
      if (topic.event !== null) await this.codec.register(topic);
    }
  }

  /** `http://127.0.0.1:<port>` of the router's API or a service's ops server. */
  url(service: Service): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  logFile(service: Service): string {
    return join(this.logDir, `${service}.log`);
  }

  /** The environment a service is started with. */
  env(service: Service): Record<string, string> {
    return {
      KAFKA_BROKERS: this.options.brokers.join(','),
      SCHEMA_REGISTRY_URL: this.options.registryUrl,
      KANARY_TOPIC_PREFIX: this.prefix,
      KANARY_DATA_PARTITIONS: String(this.partitions),
      LOG_LEVEL: 'info',
      ...SERVICE_DEFAULTS[service],
      [PORT_VARIABLE[service]]: String(this.ports[service]),
      ...this.options.env,
      ...this.options.serviceEnv?.[service],
    };
  }

  /** Starts a process of the service (it must not be running) without waiting for it. */
  spawn(service: Service, extraEnv: Readonly<Record<string, string>> = {}): ServiceProcess {
    if (this.processes.get(service)?.running) throw new Error(`${service} is already running`);
    this.starts[service] += 1;
    return this.launch(service, extraEnv);
  }

  private launch(service: Service, extraEnv: Readonly<Record<string, string>>): ServiceProcess {
    const env = { ...this.env(service), ...extraEnv };
    return this.supervised(
      service,
      service,
      () => new ServiceProcess(service, env, `${this.url(service)}/readyz`, this.logFile(service)),
    );
  }

  /** Starts a process in `slot` and, when supervising, starts it again if it exits on its own. */
  private supervised(service: Service, slot: string, create: () => ServiceProcess): ServiceProcess {
    const process = create();
    this.processes.set(slot, process);
    if (this.options.supervise) {
      void process.exitedWith().then((exit) => {
        if (this.stopping || this.expectedExits.has(process)) return;
        const earlier = this.restarts.filter((r) => r.service === service).length;
        if (earlier >= MAX_SUPERVISED_RESTARTS) return;
        this.restarts.push({ service, exit, at: Date.now() });
        this.supervised(service, slot, create);
      });
    }
    return process;
  }

  /**
   * Starts another instance of a service beside its first, in the same consumer groups, and
   * waits until it is ready. It has an instance id (so a transactional id), a Kafka client id
   * (`kanary-<instanceId>`), a port and a log file (`<instanceId>.log`) of its own; the
   * supervisor and {@link ServicePipeline.stopAll} treat it like the first.
   */
  async startReplica(
    service: Service,
    instanceId: string,
    timeoutMs = 120_000,
  ): Promise<ServiceProcess> {
    if (this.processes.has(instanceId)) throw new Error(`${instanceId} was already started`);
    const port = await freePort();
    this.replicas.set(instanceId, { service, port });
    this.starts[service] += 1;
    const env = {
      ...this.env(service),
      KANARY_INSTANCE_ID: instanceId,
      KAFKA_CLIENT_ID: `kanary-${instanceId}`,
      [PORT_VARIABLE[service]]: String(port),
    };
    const process = this.supervised(
      service,
      instanceId,
      () =>
        new ServiceProcess(
          service,
          env,
          `http://127.0.0.1:${port}/readyz`,
          join(this.logDir, `${instanceId}.log`),
        ),
    );
    await process.waitReady(timeoutMs);
    return process;
  }

  /** The current process of a replica started by {@link ServicePipeline.startReplica}. */
  replica(instanceId: string): ServiceProcess | undefined {
    return this.replicas.has(instanceId) ? this.processes.get(instanceId) : undefined;
  }

  /**
   * The Kafka client id of the service's first instance, or of its replica `instanceId`: what
   * its consumer group members show as `clientId`.
   */
  clientId(service: Service, instanceId?: string): string {
    if (instanceId !== undefined) return `kanary-${instanceId}`;
    return this.env(service).KAFKA_CLIENT_ID ?? `kanary-${service}`;
  }

  /** Starts the service and waits until its /readyz answers 200. */
  async start(service: Service, timeoutMs = 120_000): Promise<ServiceProcess> {
    const process = this.spawn(service);
    await process.waitReady(timeoutMs);
    return process;
  }

  /** Starts every service (or those given) at once and waits until all are ready. */
  async startAll(services: readonly Service[] = ALL_SERVICES): Promise<void> {
    await Promise.all(services.map((s) => this.start(s)));
  }

  /** The service's current process, if one was started. */
  process(service: Service): ServiceProcess | undefined {
    return this.processes.get(service);
  }

  /** Signals the service's process (SIGKILL: a crash) and waits until it is gone. */
  async kill(service: Service, signal: NodeJS.Signals = 'SIGKILL'): Promise<ServiceExit> {
    const process = this.processes.get(service);
    if (process === undefined) throw new Error(`${service} was never started`);
    this.expectedExits.add(process);
    return process.kill(signal);
  }

  /** Stops every running process gracefully (SIGTERM, SIGKILL after the grace period). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }

  /** Everything every process of the service wrote to its log. */
  async logs(service: Service): Promise<string> {
    return readFile(this.logFile(service), 'utf8').catch(() => '');
  }

  /** The log files of this pipeline, by file name. */
  async allLogs(): Promise<Map<string, string>> {
    const files = await readdir(this.logDir);
    const logs = new Map<string, string>();
    for (const file of files) logs.set(file, await readFile(join(this.logDir, file), 'utf8'));
    return logs;
  }

  /** Deletes the pipeline's topics (best effort). */
  async deleteTopics(): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteTopics({ topics: Object.values(this.catalog).map((t) => t.name) });
    } catch {
      // Left for the broker's retention; the names are unique.
    } finally {
      await admin.disconnect();
    }
  }
}
