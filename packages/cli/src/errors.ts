import { ConfigError, KanaryError } from '@kanary/contracts';

/** Exit codes: 0 ok, 1 the operation failed, 2 bad usage or configuration, 3 infrastructure unreachable. */
export const ExitCode = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** Turns an error into a message that says what was wrong and what to do, plus an exit code. */
export function explain(
  error: unknown,
  ctx: { brokers?: readonly string[]; registry?: string },
): { message: string; code: number } {
  const e = error instanceof Error ? error : new Error(String(error));
  if (e instanceof ConfigError)
    return { message: `${e.message}\nFix the variables or flags above.`, code: ExitCode.usage };
  const name = e.name;
  const text = `${e.message} ${e.cause instanceof Error ? e.cause.message : ''}`;
  if (
    /^KafkaJS(ConnectionError|NumberOfRetriesExceeded|BrokerNotFound|ConnectionClosedError|RequestTimeoutError)/.test(
      name,
    ) ||
    /^Connection error/.test(text)
  ) {
    return {
      message: `cannot reach Kafka at ${ctx.brokers?.join(',') ?? '?'} (${e.message}).\nStart the local stack with "pnpm infra:up", or point --brokers / KAFKA_BROKERS at your cluster.`,
      code: ExitCode.unreachable,
    };
  }
  if (e instanceof KanaryError && e.code === 'REGISTRY_UNAVAILABLE') {
    return {
      message: `cannot reach the schema registry at ${ctx.registry ?? '?'} (${e.message}).\nStart the local stack with "pnpm infra:up", or set --registry / SCHEMA_REGISTRY_URL.`,
      code: ExitCode.unreachable,
    };
  }
  if (/does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION/.test(`${name} ${text}`)) {
    return {
      message: `a Kanary topic does not exist on ${ctx.brokers?.join(',') ?? '?'} (${e.message}).\nCreate them with "pnpm kanary topics init" (same --prefix), or run "pnpm demo".`,
      code: ExitCode.failed,
    };
  }
  if (e instanceof KanaryError && e.code === 'POLICY_INVALID')
    return { message: e.message, code: ExitCode.usage };
  if (e instanceof KanaryError)
    return { message: `${e.code}: ${e.message}`, code: ExitCode.failed };
  return { message: e.message, code: ExitCode.failed };
}
