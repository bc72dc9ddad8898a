import {
  envField,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import { z } from 'zod';

export const SERVICE = 'console';

/** The console's own variables; the Kafka and registry ones come from `kafkaEnvSchema`. */
const consoleEnvSchema = z.object({
  /** Port of the web pages, the JSON API and /metrics, /healthz, /readyz; 0 picks a free one. @default 8090 */
  CONSOLE_HTTP_PORT: envField.int(8_090, { min: 0, max: 65_535 }),
  /** Interface the HTTP server listens on. @default "0.0.0.0" */
  CONSOLE_HTTP_HOST: envField.string('0.0.0.0'),
  /**
   * Bearer token the pause / resume / promote / rollback buttons must send (the person using the
   * console types it in). Unset: the buttons are off (503). Never logged.
   */
  CONSOLE_OPERATOR_TOKEN: envField.token(),
  /** How long an operator action waits for the router's outcome, in ms, before answering 202. @default 10000 */
  CONSOLE_COMMAND_WAIT_MS: envField.int(10_000, { min: 100, max: 300_000 }),
  /** How long reading the rollout topics to their end may take at start-up, in ms. @default 60000 */
  CONSOLE_RESTORE_TIMEOUT_MS: envField.int(60_000, { min: 1_000, max: 3_600_000 }),
  /** Rollouts whose history is kept in memory (the least recently active go first). @default 200 */
  CONSOLE_MAX_ROLLOUTS: envField.int(200, { min: 1, max: 100_000 }),
  /** Points kept per chart series of a rollout before older ones are thinned. @default 2000 */
  CONSOLE_MAX_POINTS: envField.int(2_000, { min: 10, max: 1_000_000 }),
  /** Live pages are told about changes at most this often, in ms. @default 1000 */
  CONSOLE_PUSH_INTERVAL_MS: envField.int(1_000, { min: 50, max: 60_000 }),
});

const envSchema = kafkaEnvSchema.and(consoleEnvSchema);

/** The console's validated configuration, units converted once. */
export interface ConsoleConfig {
  readonly connection: KafkaConnectionConfig;
  readonly logLevel: string;
  readonly http: { readonly port: number; readonly host: string };
  /** Undefined: operator actions are off. */
  readonly operatorToken: string | undefined;
  readonly commandWaitMs: number;
  readonly restoreTimeoutMs: number;
  readonly history: { readonly rollouts: number; readonly points: number };
  readonly pushIntervalMs: number;
}

/**
 * Validates the environment. Throws a ConfigError naming every invalid variable; returns a
 * frozen config.
 */
export function loadConsoleConfig(env: Record<string, string | undefined>): ConsoleConfig {
  const parsed = loadEnvConfig(envSchema, env);
  return Object.freeze({
    connection: toKafkaConnection(parsed, SERVICE),
    logLevel: parsed.LOG_LEVEL,
    http: Object.freeze({ port: parsed.CONSOLE_HTTP_PORT, host: parsed.CONSOLE_HTTP_HOST }),
    operatorToken: parsed.CONSOLE_OPERATOR_TOKEN,
    commandWaitMs: parsed.CONSOLE_COMMAND_WAIT_MS,
    restoreTimeoutMs: parsed.CONSOLE_RESTORE_TIMEOUT_MS,
    history: Object.freeze({
      rollouts: parsed.CONSOLE_MAX_ROLLOUTS,
      points: parsed.CONSOLE_MAX_POINTS,
    }),
    pushIntervalMs: parsed.CONSOLE_PUSH_INTERVAL_MS,
  });
}
