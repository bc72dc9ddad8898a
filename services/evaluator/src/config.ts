import {
  envField,
  jsonOrFileField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import { defaultPolicyProblems, type PolicyInput } from '@kanary/rollout';
import { z } from 'zod';
import type { EvidencePublishing } from '@kanary/evidence';
import { joinConfigSchema, parseJoinConfig, type JoinConfig } from '@kanary/join';

export const SERVICE = 'evaluator';

/**
 * Join settings by variable. Only the text is parsed here; ranges and defaults are the core's
 * (`joinConfigSchema`), so they live in one place, and its messages are reported under the
 * variable's name.
 */
const JOIN_VARIABLES = {
  /** How long an unmatched prediction or label waits, in ms. @default 604800000 (7 days) */
  EVALUATOR_TTL_MS: 'ttlMs',
  /** |output − label| at or below which a numeric prediction is correct. @default 0 */
  EVALUATOR_NUMERIC_TOLERANCE: 'numericTolerance',
  /** Most request ids held per input partition; more evict the closest to expiry. @default 250000 */
  EVALUATOR_MAX_PENDING: 'maxPending',
  /** How often a metrics snapshot is published, in ms. @default 10000 */
  EVALUATOR_METRICS_INTERVAL_MS: 'metricsIntervalMs',
  /** Outputs and labels longer than this are held as a digest. @default 128 */
  EVALUATOR_MAX_OUTPUT_CHARS: 'maxOutputChars',
  /** Relative accuracy of the latency sketches. @default 0.01 */
  EVALUATOR_LATENCY_RELATIVE_ACCURACY: 'latencyRelativeAccuracy',
} as const satisfies Record<string, keyof JoinConfig>;

type JoinVariable = keyof typeof JOIN_VARIABLES;

/** Optional numeric text handed to the core's schema for the field (unset: its default). */
const joinField = <F extends keyof JoinConfig>(field: F) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return undefined;
      const n = Number(s);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a number' });
        return z.NEVER;
      }
      return n;
    })
    .pipe(joinConfigSchema.shape[field]);

const joinShape = Object.fromEntries(
  Object.entries(JOIN_VARIABLES).map(([variable, field]) => [variable, joinField(field)]),
) as { [V in JoinVariable]: ReturnType<typeof joinField<(typeof JOIN_VARIABLES)[V]>> };

const evaluatorEnvSchema = z
  .object({
    ...joinShape,
    /**
     * How often idle partitions are punctuated (TTL expiry, metrics) between input batches, in
     * ms. @default 1000
     */
    EVALUATOR_PUNCTUATE_INTERVAL_MS: envField.int(1_000, { min: 10, max: 3_600_000 }),
    /** Consumer group of all evaluator instances. @default "<KANARY_TOPIC_PREFIX>.evaluator" */
    EVALUATOR_GROUP_ID: envField.optionalString(),
    /** Consumer session timeout in ms: how soon a dead instance's partitions move. @default 15000 */
    EVALUATOR_SESSION_TIMEOUT_MS: envField.int(15_000, { min: 1_000, max: 3_600_000 }),
    /** Consumer heartbeat interval in ms; below a third of the session timeout. @default 1500 */
    EVALUATOR_HEARTBEAT_INTERVAL_MS: envField.int(1_500, { min: 100, max: 1_200_000 }),
    /** Upper bound of one fetched batch per partition, in bytes. @default 1048576 */
    EVALUATOR_MAX_BYTES_PER_PARTITION: envField.int(1_048_576, { min: 1_024, max: 104_857_600 }),
    /** Longest a partition's restore from the changelog may take, in ms. @default 300000 */
    EVALUATOR_RESTORE_TIMEOUT_MS: envField.int(300_000, { min: 1_000, max: 86_400_000 }),
    /**
     * Policy fields applied where a rollout's own policy is silent (JSON, or the path of a JSON
     * file); the same value as the decision service's, whose label maturity window the evidence
     * is folded with. @default none (the built-in defaults)
     */
    KANARY_DEFAULT_POLICY: jsonOrFileField<PolicyInput>(defaultPolicyProblems),
    /**
     * How far behind the clock an input partition read to its end is taken to be complete, in ms:
     * records of transactions still open upstream may yet appear with earlier event times.
     * Evidence buckets are judged this much later. @default 10000
     */
    EVALUATOR_WATERMARK_LATENESS_MS: envField.int(10_000, { min: 0, max: 3_600_000 }),
    /**
     * Least time between two publications on the evidence topic of a bucket still receiving
     * requests, and of the partition's watermark, in ms (every change is kept in the changelog
     * with each commit; the decision service reads the evidence topic). 0: every change at once.
     * @default 1000
     */
    EVALUATOR_EVIDENCE_OPEN_INTERVAL_MS: envField.int(1_000, { min: 0, max: 3_600_000 }),
    /**
     * The same for a closed bucket's changes (labels arriving), except when it matures, which is
     * published at once. @default 1/30 of the label maturity window, at least the bucket's width
     * (2 min with the default 1-h window)
     */
    EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS: envField
      .optionalString()
      .refine(
        (s) => s === undefined || (/^\d+$/.test(s) && Number(s) <= 86_400_000),
        'must be a whole number of ms between 0 and 86400000',
      )
      .transform((s) => (s === undefined ? undefined : Number(s))),
    /** Port of /metrics, /healthz and /readyz; 0 picks a free one. @default 9466 (the decision service uses 9465, the model worker 9464) */
    OPS_PORT: envField.int(9_466, { min: 0, max: 65_535 }),
  })
  .superRefine((env, ctx) => {
    if (env.EVALUATOR_HEARTBEAT_INTERVAL_MS * 3 > env.EVALUATOR_SESSION_TIMEOUT_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['EVALUATOR_HEARTBEAT_INTERVAL_MS'],
        message: 'must be at most a third of EVALUATOR_SESSION_TIMEOUT_MS',
      });
    }
  });

const envSchema = kafkaEnvSchema.and(evaluatorEnvSchema);

/** The evaluator's validated configuration, units converted once (durations in ms). */
export interface EvaluatorConfig {
  readonly connection: KafkaConnectionConfig;
  readonly logLevel: string;
  /** Settings of every partition's join processor. */
  readonly join: JoinConfig;
  readonly punctuateIntervalMs: number;
  readonly groupId: string;
  /** Stable per instance, so a restarted instance fences its predecessor's transactions. */
  /** Transactional ids are `<prefix>.p<partition>`, shared by all instances (fencing). */
  readonly transactionalIdPrefix: string;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxBytesPerPartition: number;
  readonly restoreTimeoutMs: number;
  readonly opsPort: number;
  /** Merged under every rollout's policy; undefined means the built-in defaults. */
  readonly defaultPolicy: PolicyInput | undefined;
  readonly watermarkLatenessMs: number;
  readonly evidencePublishing: EvidencePublishing;
}

/**
 * Validates the environment. Throws a ConfigError naming every invalid variable; returns a
 * frozen config.
 */
export function loadConfig(env: Record<string, string | undefined>): EvaluatorConfig {
  const parsed = loadEnvConfig(envSchema, env);
  const connection = toKafkaConnection(parsed, SERVICE);
  const prefix = connection.topicPrefix;
  return Object.freeze({
    connection,
    logLevel: parsed.LOG_LEVEL,
    join: parseJoinConfig(
      Object.fromEntries(
        Object.entries(JOIN_VARIABLES).map(([variable, field]) => [
          field,
          parsed[variable as JoinVariable],
        ]),
      ),
    ),
    punctuateIntervalMs: parsed.EVALUATOR_PUNCTUATE_INTERVAL_MS,
    groupId: parsed.EVALUATOR_GROUP_ID ?? `${prefix}.${SERVICE}`,
    transactionalIdPrefix: parsed.EVALUATOR_GROUP_ID ?? `${prefix}.${SERVICE}`,
    sessionTimeoutMs: parsed.EVALUATOR_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: parsed.EVALUATOR_HEARTBEAT_INTERVAL_MS,
    maxBytesPerPartition: parsed.EVALUATOR_MAX_BYTES_PER_PARTITION,
    restoreTimeoutMs: parsed.EVALUATOR_RESTORE_TIMEOUT_MS,
    opsPort: parsed.OPS_PORT,
    defaultPolicy: parsed.KANARY_DEFAULT_POLICY,
    watermarkLatenessMs: parsed.EVALUATOR_WATERMARK_LATENESS_MS,
    evidencePublishing: {
      openIntervalMs: parsed.EVALUATOR_EVIDENCE_OPEN_INTERVAL_MS,
      ...(parsed.EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS === undefined
        ? {}
        : { closedIntervalMs: parsed.EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS }),
    },
  });
}
