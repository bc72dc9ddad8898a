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

export const SERVICE = 'decision';

/** A partial policy merged under every rollout's own: JSON text or the path of a JSON file. */
const policyField = jsonOrFileField<PolicyInput>(defaultPolicyProblems);

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
  /** Port of /metrics, /healthz and /readyz; 0 picks a free one. @default 9465 */
  DECISION_OPS_PORT: envField.int(9_465, { min: 0, max: 65_535 }),
  /** Interface the ops server listens on. @default "0.0.0.0" */
  DECISION_OPS_HOST: envField.string('0.0.0.0'),
});

const envSchema = kafkaEnvSchema.and(decisionEnvSchema);

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
  });
}
