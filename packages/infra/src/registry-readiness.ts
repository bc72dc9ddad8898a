import { pollUntilReady, type ReadinessWait } from './poll-until-ready.js';

export interface RegistryProbe {
  /** Registry product version when it reports one (Apicurio does, on its own API). */
  readonly version: string | undefined;
}

/**
 * One bounded attempt to use `registryUrl` as a Confluent-compatible schema registry: it must list
 * subjects as a JSON array. Undefined when nothing answers or the answer is not a registry's.
 */
export async function probeRegistry(
  registryUrl: string,
  timeoutMs = 3_000,
): Promise<RegistryProbe | undefined> {
  try {
    const response = await fetch(`${registryUrl}/subjects`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok || !Array.isArray(await response.json())) return undefined;
  } catch {
    return undefined;
  }
  return { version: await apicurioVersion(registryUrl, timeoutMs) };
}

async function apicurioVersion(
  registryUrl: string,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const origin = new URL(registryUrl).origin;
    const response = await fetch(`${origin}/apis/registry/v3/system/info`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const info = (await response.json()) as { version?: unknown };
    return typeof info.version === 'string' ? info.version : undefined;
  } catch {
    return undefined;
  }
}

export async function waitForRegistryReady(
  registryUrl: string,
  options: ReadinessWait,
): Promise<RegistryProbe> {
  return pollUntilReady(() => probeRegistry(registryUrl), registryUrl, options);
}
