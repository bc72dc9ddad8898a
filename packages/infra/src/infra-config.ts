import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InfraError, InfraErrorCode } from './infra-error.js';
import { findRepoRoot } from './repo-root.js';

/**
 * Kafka 4.3.1: the newest patch release of a minor line that is past its .0 and still inside the
 * community's support window; kafkajs 2.2.4 negotiates API versions that 4.x still serves
 * (KIP-896 removed only versions older than the ones kafkajs picks).
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1';
/**
 * Apicurio Registry 3.0.9: the newest 3.x whose classes target Java 17 (3.1 and later are compiled
 * for Java 21, class file version 65), so it runs on the same JDK as the broker.
 */
export const DEFAULT_REGISTRY_VERSION = '3.0.9';
export const DEFAULT_KAFKA_PORT = 19092;
export const DEFAULT_CONTROLLER_PORT = 19093;
export const DEFAULT_REGISTRY_PORT = 18081;
export const DEFAULT_MAVEN_REPOSITORY = 'https://repo1.maven.org/maven2';
/** Path of the Confluent-compatible API inside Apicurio Registry. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

export const InfraComponent = { Kafka: 'kafka', Registry: 'registry' } as const;
export type InfraComponent = (typeof InfraComponent)[keyof typeof InfraComponent];

export const SecurityProtocol = {
  Plaintext: 'PLAINTEXT',
  Ssl: 'SSL',
  SaslPlaintext: 'SASL_PLAINTEXT',
  SaslSsl: 'SASL_SSL',
} as const;
export type SecurityProtocol = (typeof SecurityProtocol)[keyof typeof SecurityProtocol];

/** An additional broker listener, e.g. a SASL_PLAINTEXT one for authentication tests. */
export interface KafkaListener {
  /** Listener name, upper case (`SASL`); `PLAINTEXT` and `CONTROLLER` are taken. */
  readonly name: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

/** A SCRAM user created when the storage is formatted (`kafka-storage format --add-scram`). */
export interface ScramCredential {
  readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

/** Options as a caller gives them; anything left out comes from the environment, then defaults. */
export interface InfraOptions {
  /** Interface the processes bind to and advertise. @default '127.0.0.1' (env KANARY_INFRA_HOST) */
  host?: string;
  /** Kafka client listener port. @default 19092 (env KANARY_KAFKA_PORT) */
  kafkaPort?: number;
  /** KRaft controller listener port. @default 19093 (env KANARY_KAFKA_CONTROLLER_PORT) */
  controllerPort?: number;
  /** Apicurio Registry HTTP port. @default 18081 (env KANARY_REGISTRY_PORT) */
  registryPort?: number;
  /** `org.apache.kafka:kafka_2.13` version. @default DEFAULT_KAFKA_VERSION (env KANARY_KAFKA_VERSION) */
  kafkaVersion?: string;
  /** `io.apicurio:apicurio-registry-app` version. @default DEFAULT_REGISTRY_VERSION (env KANARY_REGISTRY_VERSION) */
  registryVersion?: string;
  /** Downloads. @default ~/.cache/kanary/infra (env KANARY_CACHE_DIR) */
  cacheDir?: string;
  /** Data dirs, logs, pid files. @default <repo>/.kanary/infra (env KANARY_INFRA_STATE_DIR) */
  stateDir?: string;
  /** Java launcher for Kafka (and the registry unless `registryJava`). @default $KANARY_JAVA, $JAVA_HOME/bin/java, java */
  java?: string;
  /** Java launcher for the registry (Apicurio 3.1+ needs Java 21). @default `java` (env KANARY_REGISTRY_JAVA) */
  registryJava?: string;
  /** Maximum heap of the broker JVM. @default '1g' (env KANARY_KAFKA_HEAP) */
  kafkaHeap?: string;
  /** Maximum heap of the registry JVM. @default '512m' (env KANARY_REGISTRY_HEAP) */
  registryHeap?: string;
  /** Maven repository the registry archive is downloaded from. @default Maven Central (env KANARY_MAVEN_REPO) */
  mavenRepositoryUrl?: string;
  /** Listeners in addition to PLAINTEXT and CONTROLLER. @default [] */
  extraListeners?: readonly KafkaListener[];
  /** Broker settings that override the single-node defaults (e.g. SASL mechanisms, JAAS config). */
  kafkaConfig?: Readonly<Record<string, string | number | boolean>>;
  /** SCRAM users to create when the broker storage is formatted. @default [] */
  scramCredentials?: readonly ScramCredential[];
  /** Which services to ensure. @default both */
  components?: readonly InfraComponent[];
  /** How long a started process may take to become ready, downloads excluded. @default 120000 ms */
  startTimeoutMs?: number;
  /** How long downloads may take. @default 900000 ms */
  downloadTimeoutMs?: number;
  /** Progress lines (downloads, starts). @default none */
  log?: (line: string) => void;
}

/** Options with defaults applied and paths derived; frozen. */
export interface InfraConfig {
  readonly host: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly registryPort: number;
  readonly kafkaVersion: string;
  readonly registryVersion: string;
  readonly cacheDir: string;
  readonly stateDir: string;
  readonly java: string;
  readonly registryJava: string;
  readonly kafkaHeap: string;
  readonly registryHeap: string;
  readonly mavenRepositoryUrl: string;
  readonly extraListeners: readonly KafkaListener[];
  readonly kafkaConfig: Readonly<Record<string, string | number | boolean>>;
  readonly scramCredentials: readonly ScramCredential[];
  readonly components: readonly InfraComponent[];
  readonly startTimeoutMs: number;
  readonly downloadTimeoutMs: number;
  readonly log: (line: string) => void;
  readonly repoRoot: string;
  readonly kafkaDir: string;
  readonly registryDir: string;
  readonly logDir: string;
  readonly leaseDir: string;
  /** `host:port` of the PLAINTEXT listener. */
  readonly brokers: readonly string[];
  /** Base URL of the Confluent-compatible API, ready for `new SchemaRegistry({ host })`. */
  readonly registryUrl: string;
}

const port = z.coerce.number().int().min(1).max(65_535);
const heap = z.string().regex(/^\d+[kmgKMG]?$/, 'expected a JVM size such as 512m or 1g');
const version = z
  .string()
  .regex(/^\d+\.\d+\.\d+([.-][\w.-]+)?$/, 'expected a version such as 4.3.1');

const envSchema = z.object({
  KANARY_INFRA_HOST: z.string().min(1).optional(),
  KANARY_KAFKA_PORT: port.optional(),
  KANARY_KAFKA_CONTROLLER_PORT: port.optional(),
  KANARY_REGISTRY_PORT: port.optional(),
  KANARY_KAFKA_VERSION: version.optional(),
  KANARY_REGISTRY_VERSION: version.optional(),
  KANARY_CACHE_DIR: z.string().min(1).optional(),
  KANARY_INFRA_STATE_DIR: z.string().min(1).optional(),
  KANARY_JAVA: z.string().min(1).optional(),
  KANARY_REGISTRY_JAVA: z.string().min(1).optional(),
  JAVA_HOME: z.string().min(1).optional(),
  KANARY_KAFKA_HEAP: heap.optional(),
  KANARY_REGISTRY_HEAP: heap.optional(),
  KANARY_MAVEN_REPO: z.string().url().optional(),
});

const optionsSchema = z.object({
  host: z.string().min(1),
  kafkaPort: port,
  controllerPort: port,
  registryPort: port,
  kafkaVersion: version,
  registryVersion: version,
  kafkaHeap: heap,
  registryHeap: heap,
  mavenRepositoryUrl: z.string().url(),
  startTimeoutMs: z.number().int().positive(),
  downloadTimeoutMs: z.number().int().positive(),
  extraListeners: z.array(
    z.object({
      name: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]*$/)
        .refine(
          (n) => n !== 'PLAINTEXT' && n !== 'CONTROLLER',
          'PLAINTEXT and CONTROLLER are reserved',
        ),
      port,
      securityProtocol: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']),
    }),
  ),
});

const emptyToUndefined = (env: NodeJS.ProcessEnv): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));

const describeIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/** Applies environment and defaults to `options` and validates the result. */
export function resolveInfraConfig(
  options: InfraOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): InfraConfig {
  const parsedEnv = envSchema.safeParse(emptyToUndefined(env));
  if (!parsedEnv.success) {
    throw new InfraError(
      InfraErrorCode.InvalidConfig,
      `Invalid environment: ${describeIssues(parsedEnv.error)}`,
    );
  }
  const e = parsedEnv.data;
  const defaultJava = e.KANARY_JAVA ?? (e.JAVA_HOME ? join(e.JAVA_HOME, 'bin', 'java') : 'java');
  const merged = {
    host: options.host ?? e.KANARY_INFRA_HOST ?? '127.0.0.1',
    kafkaPort: options.kafkaPort ?? e.KANARY_KAFKA_PORT ?? DEFAULT_KAFKA_PORT,
    controllerPort:
      options.controllerPort ?? e.KANARY_KAFKA_CONTROLLER_PORT ?? DEFAULT_CONTROLLER_PORT,
    registryPort: options.registryPort ?? e.KANARY_REGISTRY_PORT ?? DEFAULT_REGISTRY_PORT,
    kafkaVersion: options.kafkaVersion ?? e.KANARY_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
    registryVersion:
      options.registryVersion ?? e.KANARY_REGISTRY_VERSION ?? DEFAULT_REGISTRY_VERSION,
    kafkaHeap: options.kafkaHeap ?? e.KANARY_KAFKA_HEAP ?? '1g',
    registryHeap: options.registryHeap ?? e.KANARY_REGISTRY_HEAP ?? '512m',
    mavenRepositoryUrl: (
      options.mavenRepositoryUrl ??
      e.KANARY_MAVEN_REPO ??
      DEFAULT_MAVEN_REPOSITORY
    ).replace(/\/+$/, ''),
    startTimeoutMs: options.startTimeoutMs ?? 120_000,
    downloadTimeoutMs: options.downloadTimeoutMs ?? 900_000,
    extraListeners: [...(options.extraListeners ?? [])],
  };
  const checked = optionsSchema.safeParse(merged);
  if (!checked.success) {
    throw new InfraError(
      InfraErrorCode.InvalidConfig,
      `Invalid infrastructure options: ${describeIssues(checked.error)}`,
    );
  }
  const ports = [
    merged.kafkaPort,
    merged.controllerPort,
    merged.registryPort,
    ...merged.extraListeners.map((l) => l.port),
  ];
  if (new Set(ports).size !== ports.length) {
    throw new InfraError(
      InfraErrorCode.InvalidConfig,
      `Ports must differ: KANARY_KAFKA_PORT=${merged.kafkaPort}, KANARY_KAFKA_CONTROLLER_PORT=${merged.controllerPort}, ` +
        `KANARY_REGISTRY_PORT=${merged.registryPort}, extra listeners=${merged.extraListeners.map((l) => l.port).join(',') || 'none'}`,
    );
  }

  const repoRoot = findRepoRoot();
  const stateDir = resolve(
    options.stateDir ?? e.KANARY_INFRA_STATE_DIR ?? join(repoRoot, '.kanary', 'infra'),
  );
  const hostForUrl = merged.host.includes(':') ? `[${merged.host}]` : merged.host;
  return Object.freeze({
    ...merged,
    extraListeners: Object.freeze(merged.extraListeners),
    cacheDir: resolve(
      options.cacheDir ?? e.KANARY_CACHE_DIR ?? join(homedir(), '.cache', 'kanary', 'infra'),
    ),
    stateDir,
    java: options.java ?? defaultJava,
    registryJava: options.registryJava ?? e.KANARY_REGISTRY_JAVA ?? options.java ?? defaultJava,
    kafkaConfig: Object.freeze({ ...(options.kafkaConfig ?? {}) }),
    scramCredentials: Object.freeze([...(options.scramCredentials ?? [])]),
    components: Object.freeze([
      ...(options.components ?? [InfraComponent.Kafka, InfraComponent.Registry]),
    ]),
    log: options.log ?? (() => undefined),
    repoRoot,
    kafkaDir: join(stateDir, 'kafka'),
    registryDir: join(stateDir, 'registry'),
    logDir: join(stateDir, 'logs'),
    leaseDir: join(stateDir, 'leases'),
    brokers: Object.freeze([`${hostForUrl}:${merged.kafkaPort}`]),
    registryUrl: `http://${hostForUrl}:${merged.registryPort}${CCOMPAT_PATH}`,
  });
}
