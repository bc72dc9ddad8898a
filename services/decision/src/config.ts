import { readFileSync } from 'node:fs';
import {
  envField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import { PolicyError, parsePolicy, type PolicyInput } from '@kanary/rollout';
import { z } from 'zod';

export const SERVICE = 'decision';

/**
 * A policy as JSON text, or the path of a file holding it (anything not starting with `{`).
 * The value must be a valid partial policy: it is merged under every rollout's own policy, so
 * it is checked together with the built-in defaults.
 */
const policyField = z
  .string()
  .optional()
  .transform((value, ctx): PolicyInput | undefined => {
    const text = value?.trim() ?? '';
    if (text === '') return undefined;
    const fail = (message: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    };
    let json = text;
    if (!text.startsWith('{')) {
      try {
        json = readFileSync(text, 'utf8');
      } catch (e) {
        return fail(`is neither JSON nor a readable file: ${(e as Error).message}`);
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      return fail(`is not valid JSON: ${(e as Error).message}`);
    }
    try {
      parsePolicy(parsed);
    } catch (e) {
      if (e instanceof PolicyError) return fail(e.issues.join('; '));
      throw e;
    }
    return parsed as PolicyInput;
  });

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
   * path of a JSON file. @default none (the built-in defaults)
   */
  DECISION_DEFAULT_POLICY: policyField,
  /**
   * Also read `inference.predictions`, for the label-free agreement signal of shadow rollouts;
   * false skips that topic and the signal is reported as not measured. @default true
   */
  DECISION_READ_PREDICTIONS: envField.bool(true),
  /**
   * How long rebuilding the statistics from the input topics may take at start-up, in ms,
   * before the start counts as failed. @default 600000 (10 min)
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
  readonly readPredictions: boolean;
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
    defaultPolicy: parsed.DECISION_DEFAULT_POLICY,
    readPredictions: parsed.DECISION_READ_PREDICTIONS,
    restoreTimeoutMs: parsed.DECISION_RESTORE_TIMEOUT_MS,
    groupIdPrefix: parsed.DECISION_GROUP_ID ?? `${connection.topicPrefix}.${SERVICE}`,
    ops: Object.freeze({ port: parsed.DECISION_OPS_PORT, host: parsed.DECISION_OPS_HOST }),
  });
}
