/**
 * Base class of Kanary's errors: a stable `code`, whether retrying may help, and the cause.
 * Retriable errors are left to the Kafka client's retry; non-retriable record errors send the
 * record to the dead-letter topic.
 */
export class KanaryError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(
    code: string,
    message: string,
    options: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A record's bytes could not be decoded (not Confluent wire format, unknown schema id, bad Avro). */
export class DecodeError extends KanaryError {
  constructor(message: string, cause?: unknown) {
    super('DECODE_FAILED', message, { cause });
  }
}

/** A record decoded but breaks a rule the wire format cannot express. */
export class ValidationError extends KanaryError {
  readonly issues: readonly string[];
  constructor(event: string, issues: readonly string[]) {
    super('VALIDATION_FAILED', `invalid ${event}: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

/** Configuration is invalid; the message names the variables. */
export class ConfigError extends KanaryError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export const isKanaryError = (e: unknown): e is KanaryError => e instanceof KanaryError;
export const isRetriable = (e: unknown): boolean =>
  e instanceof KanaryError
    ? e.retriable
    : Boolean((e as { retriable?: unknown } | null)?.retriable);
