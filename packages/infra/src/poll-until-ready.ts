import { setTimeout as delay } from 'node:timers/promises';
import { InfraError, InfraErrorCode } from './infra-error.js';

export interface ReadinessWait {
  readonly timeoutMs: number;
  /** False once the process being waited for has exited: stop waiting. */
  readonly isAlive?: () => boolean;
  /** The service, for messages. */
  readonly describe: string;
}

/**
 * Repeats `attempt` until it yields a value; an attempt that throws counts as "not yet" and its
 * error is reported if time runs out. Gives up early when the watched process has exited.
 */
export async function pollUntilReady<T>(
  attempt: () => Promise<T | undefined>,
  where: string,
  options: ReadinessWait,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) {
      throw new InfraError(InfraErrorCode.StartFailed, `${options.describe} exited while starting`);
    }
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(250);
  }
  throw new InfraError(
    InfraErrorCode.NotReady,
    `${options.describe} at ${where} was not ready within ${options.timeoutMs} ms` +
      (lastError instanceof Error ? ` (last error: ${lastError.message})` : ''),
    { cause: lastError },
  );
}
