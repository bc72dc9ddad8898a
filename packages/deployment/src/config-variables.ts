import { kafkaEnvShape } from '@kanary/kafka';

/**
 * The environment variables a service's config module declares: the upper-case keys of its zod
 * objects (`ROUTER_HTTP_PORT: envField.int(...)`), read from the source text, plus the variables
 * every service shares (`kafkaEnvShape`).
 */
export function configVariables(configSource: string): Set<string> {
  const own = [...configSource.matchAll(/^\s*([A-Z][A-Z0-9_]{2,}):/gm)].map((m) => m[1]!);
  return new Set([...Object.keys(kafkaEnvShape), ...own]);
}
