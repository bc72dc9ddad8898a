import { readFileSync } from 'node:fs';
import {
  envField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import {
  BackendConfigError,
  backendConfigSchema,
  type CompiledBackendConfig,
} from '@kanary/models';
import { z } from 'zod';

export const SERVICE = 'model-worker';

const variantNamePattern = /^[A-Za-z0-9._:-]+$/;

/**
 * A variable holding the variant table as JSON (inline, or the path of a file with it):
 * problems are reported under the variable's name, and per variant as `<VARIABLE>.<variant>`.
 */
const variantsField = (read: (value: string) => string) =>
  z
    .string()
    .optional()
    .transform((value, ctx): Record<string, CompiledBackendConfig> | undefined => {
      if (value === undefined || value.trim() === '') return undefined;
      const issue = (path: string[], message: string) =>
        ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
      let text: string;
      let json: unknown;
      try {
        text = read(value.trim());
      } catch (e) {
        issue([], (e as Error).message);
        return z.NEVER;
      }
      try {
        json = JSON.parse(text);
      } catch (e) {
        issue([], `is not JSON: ${(e as Error).message}`);
        return z.NEVER;
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        issue([], 'must be a JSON object of variant name → backend config');
        return z.NEVER;
      }
      const entries = Object.entries(json);
      if (entries.length === 0) issue([], 'must name at least one variant');
      const variants: Record<string, CompiledBackendConfig> = {};
      for (const [name, config] of entries) {
        if (!variantNamePattern.test(name)) {
          issue([name], 'a variant name may contain only letters, digits, ".", "_", ":" and "-"');
          continue;
        }
        const parsed = backendConfigSchema.safeParse(config);
        if (parsed.success) variants[name] = parsed.data;
        else issue([name], new BackendConfigError('backend config', parsed.error.issues).message);
      }
      return variants;
    });

const readJsonFile = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
};

/** The worker's own variables; the Kafka and registry ones come from `kafkaEnvSchema`. */
const workerEnvSchema = z
  .object({
    /**
     * JSON object, variant name → backend config, e.g.
     * `{"weather-tree-v2":{"kind":"model","name":"weather-tree-v2"},"sim-a":{"kind":"sim","accuracy":0.9,"classes":["a","b"]}}`.
     */
    WORKER_VARIANTS: variantsField((text) => text),
    /** Path of a JSON file with the same content as WORKER_VARIANTS (one of the two is required). */
    WORKER_VARIANTS_FILE: variantsField(readJsonFile),
    /** Backend calls in flight at once. @default 16 */
    WORKER_CONCURRENCY: envField.int(16, { min: 1, max: 10_000 }),
    /** Deadline of one backend call in milliseconds, simulated latency included. @default 5000 */
    WORKER_TIMEOUT_MS: envField.int(5_000, { min: 1, max: 600_000 }),
    /** Wait out simulated latencies before publishing; benchmarks turn it off. @default true */
    WORKER_SIMULATE_LATENCY: envField.bool(true),
    /**
     * Consumer group. Workers serving the same variants share one group (they split the
     * partitions); workers serving different variant sets need different groups, because each
     * group sees every routed record and skips the variants it does not serve.
     * @default "<KANARY_TOPIC_PREFIX>.model-worker"
     */
    WORKER_GROUP_ID: envField.optionalString(),
    /**
     * Consumer session timeout: how long a crashed worker holds its partitions before the group
     * hands them to another member. @default 15000
     */
    WORKER_SESSION_TIMEOUT_MS: envField.int(15_000, { min: 3_000, max: 300_000 }),
    /** Upper bound of one fetched batch per partition, in bytes. @default 262144 */
    WORKER_MAX_BYTES_PER_PARTITION: envField.int(262_144, { min: 1_024, max: 104_857_600 }),
    /** Where `model` backends find their artifacts. @default the @kanary/models package's artifacts/ */
    WORKER_ARTIFACTS_DIR: envField.optionalString(),
    /** Port of /metrics, /healthz and /readyz; 0 picks a free one. @default 9464 */
    OPS_PORT: envField.int(9_464, { min: 0, max: 65_535 }),
  })
  .transform((env, ctx) => {
    if (env.WORKER_VARIANTS !== undefined && env.WORKER_VARIANTS_FILE !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['WORKER_VARIANTS_FILE'],
        message: 'set either WORKER_VARIANTS or WORKER_VARIANTS_FILE, not both',
      });
      return z.NEVER;
    }
    const variants = env.WORKER_VARIANTS ?? env.WORKER_VARIANTS_FILE;
    if (variants === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['WORKER_VARIANTS'],
        message:
          'is required (or WORKER_VARIANTS_FILE): a JSON object of variant name → backend config',
      });
      return z.NEVER;
    }
    return { ...env, variants };
  });

const envSchema = kafkaEnvSchema.and(workerEnvSchema);

/** The worker's validated configuration, units converted once. */
export interface WorkerConfig {
  readonly connection: KafkaConnectionConfig;
  readonly logLevel: string;
  /** Variant name → its backend config. */
  readonly variants: Readonly<Record<string, CompiledBackendConfig>>;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly simulateLatency: boolean;
  readonly groupId: string;
  /** Stable per instance, so a restarted instance fences its predecessor's transactions. */
  /** Transactional ids are `<prefix>.p<partition>`, shared by all instances (fencing). */
  readonly transactionalIdPrefix: string;
  readonly maxBytesPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly artifactsDir: string | undefined;
  readonly opsPort: number;
}

/**
 * Validates the environment. Throws a ConfigError naming every invalid variable (for a variant,
 * `WORKER_VARIANTS.<variant>` and the offending field); returns a frozen config.
 */
export function loadConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = loadEnvConfig(envSchema, env);
  const connection = toKafkaConnection(parsed, SERVICE);
  const groupId = parsed.WORKER_GROUP_ID ?? `${connection.topicPrefix}.${SERVICE}`;
  return Object.freeze({
    connection,
    logLevel: parsed.LOG_LEVEL,
    variants: Object.freeze({ ...parsed.variants }),
    concurrency: parsed.WORKER_CONCURRENCY,
    timeoutMs: parsed.WORKER_TIMEOUT_MS,
    simulateLatency: parsed.WORKER_SIMULATE_LATENCY,
    groupId,
    transactionalIdPrefix: groupId,
    maxBytesPerPartition: parsed.WORKER_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: parsed.WORKER_SESSION_TIMEOUT_MS,
    artifactsDir: parsed.WORKER_ARTIFACTS_DIR,
    opsPort: parsed.OPS_PORT,
  });
}
