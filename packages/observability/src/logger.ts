import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  'authorization',
  'sasl.password',
  'ssl.key',
  '*.password',
  '*.token',
  '*.secret',
  '*.authorization',
  '*.sasl.password',
  '*.ssl.key',
  'headers.authorization',
  'req.headers.authorization',
  'config.operatorToken',
  'config.kafka.sasl.password',
  'config.registry.password',
];

export interface LoggerConfig {
  /** Service name bound to every line as `service`. */
  service: string;
  /** pino level. @default "info" */
  level?: string;
  /** Human-readable output; by default only when stdout is a terminal and CI is unset. */
  pretty?: boolean;
  /** Where JSON lines go (tests capture output here). @default process.stdout */
  destination?: NodeJS.WritableStream;
}

/**
 * Structured JSON logger with secrets redacted. Events are named like `evaluator.join_expired`
 * in the `event` field; child loggers bind `rolloutId`, `partition` and so on.
 */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const pretty =
    config.pretty ??
    (Boolean(process.stdout.isTTY) && !process.env.CI && config.destination === undefined);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return config.destination ? pino(options, config.destination) : pino(options);
}

/**
 * Removes secret values from a string before it is logged or published (for example an error
 * message that quotes a connection string with credentials).
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
