import {
  envField,
  jsonOrFileField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import {
  defaultPolicyProblems,
  notificationTargetSchema,
  type NotificationTarget,
  type PolicyInput,
} from '@kanary/rollout';
import { z } from 'zod';
import type { DeliveryOptions } from './shell/webhook-queue.js';

export const SERVICE = 'decision';

/** A partial policy merged under every rollout's own: JSON text or the path of a JSON file. */
const policyField = jsonOrFileField<PolicyInput>(defaultPolicyProblems);

/** The problems of a zod schema's parse, one per issue, naming the path (never the value). */
const problemsOf =
  (schema: z.ZodTypeAny) =>
  (value: unknown): string[] => {
    const result = schema.safeParse(value);
    return result.success
      ? []
      : result.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`);
  };

/** A signing secret: long enough to resist guessing (128 bits of hex or base64 are 22–32 characters). */
const secretText = z.string().min(16, 'must be at least 16 characters');

/** A global target may carry its secret (the environment is where secrets live). */
const globalTargetSchema = notificationTargetSchema.extend({ secret: secretText.optional() });
const globalTargetsSchema = z.array(globalTargetSchema, {
  invalid_type_error: 'must be a JSON array of webhook targets',
});
type GlobalTarget = NotificationTarget & { secret?: string };

const secretsSchema = z.record(
  z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'names must be 1-64 letters, digits, ".", "_" or "-"'),
  secretText,
  { invalid_type_error: 'must be a JSON object of secret name → secret' },
);

/** The decision service's own variables; the Kafka and registry ones come from `kafkaEnvSchema`. */
const decisionEnvSchema = z.object({
  /** How often every live rollout is judged, in ms. @default 5000 */
  DECISION_INTERVAL_MS: envField.int(5_000, { min: 100, max: 3_600_000 }),
  /**
   * A HOLD ("need more data") report is published at most this often per rollout, in ms (sooner
   * when its reason changes); decisions that issue a command are always published. @default 60000
   */
  DECISION_HOLD_REPORT_INTERVAL_MS: envField.int(60_000, { min: 0, max: 86_400_000 }),
  /**
   * Policy fields applied where a rollout's own policy (from its START) is silent: JSON, or the
   * path of a JSON file. The evaluator folds evidence with the label maturity window it implies,
   * so give both services the same value. @default none (the built-in defaults)
   */
  KANARY_DEFAULT_POLICY: policyField,
  /** The former name of KANARY_DEFAULT_POLICY, still read when that one is unset. */
  DECISION_DEFAULT_POLICY: policyField,
  /**
   * No ADVANCE or PROMOTE while a source partition's evidence watermark lags the clock by more
   * than this, in ms (a stalled or far-behind evaluator partition): HOLD, naming it. @default 120000
   */
  DECISION_MAX_EVIDENCE_LAG_MS: envField.int(120_000, { min: 1_000, max: 30 * 86_400_000 }),
  /**
   * How long reading the rollout states and the evidence may take at start-up, in ms, before
   * the start counts as failed. @default 600000 (10 min)
   */
  DECISION_RESTORE_TIMEOUT_MS: envField.int(600_000, { min: 1_000, max: 86_400_000 }),
  /**
   * Prefix of the consumer groups; each start reads in groups of its own under it.
   * @default "<KANARY_TOPIC_PREFIX>.decision"
   */
  DECISION_GROUP_ID: envField.optionalString(),
  /**
   * Webhooks told about every rollout's decisions, approvals and phase changes: a JSON array of
   * `{url, format?, name?, secret?, secretName?, events?}`, or the path of a file holding it.
   * @default none
   */
  DECISION_NOTIFY_WEBHOOKS: jsonOrFileField<unknown[]>(problemsOf(globalTargetsSchema)),
  /**
   * Secrets that policies' webhook targets and confirm webhooks name (`secretName`): a JSON
   * object name → secret (≥ 16 characters), or the path of a file holding it. @default none
   */
  DECISION_WEBHOOK_SECRETS: jsonOrFileField<Record<string, string>>(problemsOf(secretsSchema)),
  /** Attempts per notification before it is dead-lettered. @default 6 */
  DECISION_NOTIFY_MAX_ATTEMPTS: envField.int(6, { min: 1, max: 20 }),
  /** Wait before the first retry, ms; doubles per attempt. @default 1000 */
  DECISION_NOTIFY_BACKOFF_MS: envField.int(1_000, { min: 1, max: 600_000 }),
  /** Longest wait between attempts, ms. @default 60000 */
  DECISION_NOTIFY_MAX_BACKOFF_MS: envField.int(60_000, { min: 1, max: 3_600_000 }),
  /** Deadline of one webhook request, ms. @default 5000 */
  DECISION_NOTIFY_TIMEOUT_MS: envField.int(5_000, { min: 100, max: 60_000 }),
  /** Notifications one target may hold before new ones are dead-lettered. @default 1000 */
  DECISION_NOTIFY_QUEUE_SIZE: envField.int(1_000, { min: 1, max: 100_000 }),
  /** Requests in flight per target. @default 4 */
  DECISION_NOTIFY_CONCURRENCY: envField.int(4, { min: 1, max: 64 }),
  /** Port of /metrics, /healthz and /readyz; 0 picks a free one. @default 9465 */
  DECISION_OPS_PORT: envField.int(9_465, { min: 0, max: 65_535 }),
  /** Interface the ops server listens on. @default "0.0.0.0" */
  DECISION_OPS_HOST: envField.string('0.0.0.0'),
});

/** Every secret a global target names must be held. */
const envSchema = kafkaEnvSchema.and(
  decisionEnvSchema.superRefine((env, ctx) => {
    // Runs after the fields' own checks even when they failed: only check what parsed.
    const targets: unknown = env.DECISION_NOTIFY_WEBHOOKS;
    const secrets: unknown = env.DECISION_WEBHOOK_SECRETS;
    if (!Array.isArray(targets)) return;
    const held = typeof secrets === 'object' && secrets !== null ? secrets : {};
    targets.forEach((target: unknown, index) => {
      const name = (target as { secretName?: unknown }).secretName;
      if (typeof name === 'string' && !(name in held)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['DECISION_NOTIFY_WEBHOOKS'],
          message: `${index}.secretName: DECISION_WEBHOOK_SECRETS holds no secret named "${name}"`,
        });
      }
    });
  }),
);

/** The decision service's validated configuration, units converted once. */
export interface DecisionConfig {
  readonly connection: KafkaConnectionConfig;
  readonly logLevel: string;
  readonly intervalMs: number;
  readonly holdReportIntervalMs: number;
  /** Merged under every rollout's policy; undefined means the built-in defaults. */
  readonly defaultPolicy: PolicyInput | undefined;
  readonly maxEvidenceLagMs: number;
  readonly restoreTimeoutMs: number;
  readonly groupIdPrefix: string;
  readonly ops: { readonly port: number; readonly host: string };
  readonly notifications: DeliveryOptions & {
    /** Targets of every rollout, secrets resolved. */
    readonly targets: readonly GlobalTarget[];
    /** Secrets by name, for policies' targets and confirm webhooks. */
    readonly secrets: ReadonlyMap<string, string>;
  };
}

/**
 * Validates the environment. Throws a ConfigError naming every invalid variable; returns a
 * frozen config.
 */
export function loadDecisionConfig(env: Record<string, string | undefined>): DecisionConfig {
  const parsed = loadEnvConfig(envSchema, env);
  const connection = toKafkaConnection(parsed, SERVICE);
  return Object.freeze({
    connection,
    logLevel: parsed.LOG_LEVEL,
    intervalMs: parsed.DECISION_INTERVAL_MS,
    holdReportIntervalMs: parsed.DECISION_HOLD_REPORT_INTERVAL_MS,
    defaultPolicy: parsed.KANARY_DEFAULT_POLICY ?? parsed.DECISION_DEFAULT_POLICY,
    maxEvidenceLagMs: parsed.DECISION_MAX_EVIDENCE_LAG_MS,
    restoreTimeoutMs: parsed.DECISION_RESTORE_TIMEOUT_MS,
    groupIdPrefix: parsed.DECISION_GROUP_ID ?? `${connection.topicPrefix}.${SERVICE}`,
    ops: Object.freeze({ port: parsed.DECISION_OPS_PORT, host: parsed.DECISION_OPS_HOST }),
    notifications: Object.freeze({
      targets: globalTargetsSchema.parse(parsed.DECISION_NOTIFY_WEBHOOKS ?? []),
      secrets: new Map(Object.entries(secretsSchema.parse(parsed.DECISION_WEBHOOK_SECRETS ?? {}))),
      maxAttempts: parsed.DECISION_NOTIFY_MAX_ATTEMPTS,
      firstBackoffMs: parsed.DECISION_NOTIFY_BACKOFF_MS,
      maxBackoffMs: Math.max(
        parsed.DECISION_NOTIFY_MAX_BACKOFF_MS,
        parsed.DECISION_NOTIFY_BACKOFF_MS,
      ),
      timeoutMs: parsed.DECISION_NOTIFY_TIMEOUT_MS,
      queueSize: parsed.DECISION_NOTIFY_QUEUE_SIZE,
      concurrency: parsed.DECISION_NOTIFY_CONCURRENCY,
    }),
  });
}
