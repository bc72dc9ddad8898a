import { defaultPolicyProblems, type PolicyInput } from '@kanary/rollout';
import {
  envField,
  jsonOrFileField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import { z } from 'zod';
import { parseDefaultVariants } from './core/default-variants.js';
import type { RecentAssignmentsOptions } from './core/recent-assignments.js';

export const SERVICE = 'router';

/** The router's own variables; the Kafka and registry ones come from `kafkaEnvSchema`. */
const routerEnvSchema = z.object({
  /**
   * `model=variant` pairs, comma-separated: the variant serving a model that has no rollout
   * state. A request for a model with neither is dead-lettered (Kafka) or answered 404 (HTTP).
   * @default none
   */
  ROUTER_DEFAULT_VARIANTS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      const parsed = parseDefaultVariants(text ?? '');
      if (parsed.ok) return parsed.variants;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be comma-separated model=variant pairs: ${parsed.problems.join('; ')}`,
      });
      return z.NEVER;
    }),
  /**
   * The installation's default policy (JSON or a file path), under each rollout's own: the router
   * reads its `segments.feature`. Give every service the same value. @default none
   */
  KANARY_DEFAULT_POLICY: jsonOrFileField<PolicyInput>(defaultPolicyProblems),
  /** Port of the HTTP API and of /metrics, /healthz, /readyz; 0 picks a free one. @default 8080 */
  ROUTER_HTTP_PORT: envField.int(8_080, { min: 0, max: 65_535 }),
  /** Interface the HTTP server listens on. @default "0.0.0.0" */
  ROUTER_HTTP_HOST: envField.string('0.0.0.0'),
  /**
   * Bearer token of the operator endpoints (start, weight, pause, resume, promote, rollback).
   * Unset: those endpoints answer 503. Never logged.
   */
  ROUTER_OPERATOR_TOKEN: envField.token(),
  /** Largest accepted HTTP request body, in bytes; larger ones get 413. @default 65536 */
  ROUTER_BODY_LIMIT_BYTES: envField.int(65_536, { min: 1_024, max: 16_777_216 }),
  /** How long `?wait=true` waits for a command's outcome, in ms, before answering 202. @default 10000 */
  ROUTER_COMMAND_WAIT_MS: envField.int(10_000, { min: 100, max: 300_000 }),
  /**
   * How long reading `rollout.state` to its end may take (at start-up, and when this instance
   * takes over a commands partition) before it counts as a failure, in ms. @default 60000
   */
  ROUTER_RESTORE_TIMEOUT_MS: envField.int(60_000, { min: 1_000, max: 3_600_000 }),
  /**
   * Consumer group of the request ingress; instances in one group split the request partitions.
   * @default "<KANARY_TOPIC_PREFIX>.router"
   */
  ROUTER_GROUP_ID: envField.optionalString(),
  /**
   * Most bytes of requests fetched per partition at once. One fetched batch becomes one
   * transaction whose routed records (a copy per shadow, each a little larger than the request)
   * must fit the broker's `message.max.bytes` (1 MiB by default), so keep this well below it.
   * @default 131072
   */
  ROUTER_MAX_BYTES_PER_PARTITION: envField.int(131_072, { min: 1_024, max: 104_857_600 }),
  /** Consumer session timeout: how long a crashed instance holds its partitions. @default 15000 */
  ROUTER_SESSION_TIMEOUT_MS: envField.int(15_000, { min: 3_000, max: 300_000 }),
  /**
   * How long after a `POST /v1/assign` with a requestId a retry with that requestId gets the
   * first answer and is not recorded again, in ms (per instance, in memory); 0 turns it off.
   * @default 120000
   */
  ROUTER_ASSIGN_RETRY_WINDOW_MS: envField.int(120_000, { min: 0, max: 86_400_000 }),
  /**
   * Most requestIds the retry window holds (about 1 KB of heap each); past it the oldest leaves
   * before its window ends, so above this many assigns per window the window is shorter.
   * 0 turns the window off. @default 20000
   */
  ROUTER_ASSIGN_RETRY_MAX_REQUESTS: envField.int(20_000, { min: 0, max: 10_000_000 }),
  /**
   * How long the first assignment of an idle moment waits for others to share its produce, ms;
   * 0 groups what arrives while a produce is in flight (no added wait). @default 0
   */
  ROUTER_ASSIGN_LINGER_MS: envField.int(0, { min: 0, max: 1_000 }),
  /** Most routed records per produce of the HTTP API. @default 1000 */
  ROUTER_ASSIGN_MAX_BATCH: envField.int(1_000, { min: 1, max: 100_000 }),
  /**
   * Routed records of the HTTP API waiting to be produced beyond which `/v1/assign` answers 503
   * with Retry-After (back-pressure). @default 20000
   */
  ROUTER_ASSIGN_MAX_PENDING: envField.int(20_000, { min: 1, max: 10_000_000 }),
});

const envSchema = kafkaEnvSchema.and(routerEnvSchema);

/** The router's validated configuration, units converted once. */
export interface RouterConfig {
  readonly connection: KafkaConnectionConfig;
  readonly logLevel: string;
  /** Model → the variant serving it while it has no rollout state. */
  readonly defaultVariants: Readonly<Record<string, string>>;
  /** Policy fields applied where a rollout's own policy is silent (its segment feature). */
  readonly defaultPolicy: PolicyInput | undefined;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
  };
  /** Undefined disables the operator endpoints. */
  readonly operatorToken: string | undefined;
  readonly commandWaitMs: number;
  readonly restoreTimeoutMs: number;
  /** Request ingress group; the command applier uses `<groupId>.commands`. */
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly maxBytesPerPartition: number;
  /** The window in which a retried assign (same requestId) is answered from memory. */
  readonly assignRetry: RecentAssignmentsOptions;
  /** How the HTTP API's routed records are grouped into produces. */
  readonly assignGroup: {
    readonly lingerMs: number;
    readonly maxBatch: number;
    readonly maxPending: number;
  };
}

/**
 * Validates the environment. Throws a ConfigError naming every invalid variable (the token's
 * value is never shown); returns a frozen config.
 */
export function loadRouterConfig(env: Record<string, string | undefined>): RouterConfig {
  const parsed = loadEnvConfig(envSchema, env);
  const connection = toKafkaConnection(parsed, SERVICE);
  return Object.freeze({
    connection,
    logLevel: parsed.LOG_LEVEL,
    defaultVariants: Object.freeze({ ...parsed.ROUTER_DEFAULT_VARIANTS }),
    defaultPolicy: parsed.KANARY_DEFAULT_POLICY,
    http: Object.freeze({
      port: parsed.ROUTER_HTTP_PORT,
      host: parsed.ROUTER_HTTP_HOST,
      bodyLimitBytes: parsed.ROUTER_BODY_LIMIT_BYTES,
    }),
    operatorToken: parsed.ROUTER_OPERATOR_TOKEN,
    commandWaitMs: parsed.ROUTER_COMMAND_WAIT_MS,
    restoreTimeoutMs: parsed.ROUTER_RESTORE_TIMEOUT_MS,
    groupId: parsed.ROUTER_GROUP_ID ?? `${connection.topicPrefix}.${SERVICE}`,
    sessionTimeoutMs: parsed.ROUTER_SESSION_TIMEOUT_MS,
    maxBytesPerPartition: parsed.ROUTER_MAX_BYTES_PER_PARTITION,
    assignRetry: Object.freeze({
      windowMs: parsed.ROUTER_ASSIGN_RETRY_WINDOW_MS,
      maxRequests: parsed.ROUTER_ASSIGN_RETRY_MAX_REQUESTS,
    }),
    assignGroup: Object.freeze({
      lingerMs: parsed.ROUTER_ASSIGN_LINGER_MS,
      maxBatch: parsed.ROUTER_ASSIGN_MAX_BATCH,
      maxPending: parsed.ROUTER_ASSIGN_MAX_PENDING,
    }),
  });
}
